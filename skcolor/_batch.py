"""Colorize many image files: plan the jobs, colorize them, record the outcome.

The library's batch path, shared by ``skcolor colorize`` and
:func:`skcolor.parallel.colorize_files`. It raises ``ValueError`` and
``FileNotFoundError`` and never exits; messages and exit codes are the command
line's business. Progress goes to a callback object (:class:`SilentProgress` has
the methods it needs). Each file is one job: :func:`colorize_jobs` colorizes
image files in batches (:func:`colorize_batch`) and video files one clip at a time
(:func:`colorize_clips`).
"""

import os
from dataclasses import dataclass, field

from ._inputs import Job, find_jobs

__all__ = ["Job", "Outcome", "SilentProgress", "plan_jobs", "colorize_jobs", "colorize_batch",
           "split_clips", "colorize_clips",
           "load_colorizer", "with_predict_params", "record_failure", "describe_error"]


@dataclass
class Outcome:
    """What became of the inputs.

    Attributes
    ----------
    written : int
        Outputs written.
    skipped : list of Job
        Jobs whose output already existed (and overwriting was not asked for).
    failed : list of (str, str)
        ``(input, reason)`` of each input that could not be used or colorized.
    ignored : int
        Files passed over in folder and pattern searches.
    """

    written: int = 0
    skipped: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    ignored: int = 0


class SilentProgress:
    """The progress callback :func:`colorize_jobs` calls, doing nothing.

    A progress object has ``advance(n)`` (n more jobs done, well or not),
    ``message(text)`` (a failure to show), ``restart_clock()`` (the model is
    loaded: rates count from now) and ``close()``. The command line passes one
    that draws a progress line on stderr.
    """

    def advance(self, n=1):
        pass

    def message(self, text):
        pass

    def restart_clock(self):
        pass

    def close(self):
        pass


def plan_jobs(inputs, outdir, *, overwrite):
    """Find the inputs' jobs and set aside those whose output exists.

    Parameters
    ----------
    inputs : list of str
        Image files, folders (searched recursively) and glob patterns.
    outdir : pathlib.Path
    overwrite : bool
        Whether existing outputs are colorized again.

    Returns
    -------
    found : FoundInputs
        What :func:`skcolor._inputs.find_jobs` found.
    todo : list of Job
        The jobs to colorize.
    outcome : Outcome
        Started with the inputs that cannot be used and the outputs kept.

    Raises
    ------
    ValueError
        If two inputs would be written to the same output.
    """
    from ._video_io import VIDEO_SUFFIXES
    from .io import IMAGE_SUFFIXES

    found = find_jobs(inputs, outdir, suffixes=IMAGE_SUFFIXES + VIDEO_SUFFIXES)
    outcome = Outcome(failed=list(found.problems), ignored=found.ignored)
    todo = []
    for job in found.jobs:
        if job.target.exists() and not overwrite:
            outcome.skipped.append(job)  # decided before the model is even loaded
        else:
            todo.append(job)
    return found, todo, outcome


def load_colorizer(path=None):
    """The fitted colorizer saved in ``path``, or a fresh copy of the shipped one for None.

    Raises
    ------
    FileNotFoundError
        If ``path`` names no file, or skcolor ships no model.
    ValueError
        If the file is a folder or not a model skcolor can load; the message says why.
    """
    from ._estimator import AutoencoderColorizer
    from ._pretrained import load_pretrained

    return load_pretrained() if path is None else AutoencoderColorizer.load(path)


def with_predict_params(colorizer, predict_params):
    """``colorizer``, or a shallow copy of it with the predict-time parameters that
    ``predict_params`` (``working_size``, ``vividness``) sets to a value other than None."""
    import copy

    given = {name: value for name, value in predict_params.items() if value is not None}
    if not given:
        return colorizer
    # A shallow copy shares the network, and leaves the given colorizer as it was.
    return copy.copy(colorizer).set_params(**given)


def colorize_jobs(load, jobs, outcome, *, batch_size, overwrite, progress=None):
    """Read, colorize and write ``jobs`` in batches; record results in ``outcome``.

    ``load()`` returns the colorizer; it is called once, when the first readable
    image needs it, so that a run whose inputs are all unreadable never starts
    Keras. Errors from ``load`` propagate; a file that cannot be read, colorized or
    written is recorded in ``outcome.failed`` and shown through ``progress``.
    """
    progress = SilentProgress() if progress is None else progress
    state = {"colorizer": None}

    def colorizer():
        if state["colorizer"] is None:
            state["colorizer"] = load()
            progress.restart_clock()  # the rate is of colorizing, not of loading
        return state["colorizer"]

    clips, jobs = split_clips(jobs)  # a clip is a job of its own, streamed frame by frame
    try:
        for start in range(0, len(jobs), batch_size):
            batch = jobs[start:start + batch_size]
            colorize_batch(colorizer, batch, outcome, progress, overwrite=overwrite)
            progress.advance(len(batch))
        colorize_clips(colorizer, clips, outcome, progress, overwrite=overwrite)
    finally:
        progress.close()


def colorize_batch(colorizer, batch, outcome, progress, *, overwrite):
    """Colorize one batch of file jobs: read each, predict together, write each.

    ``colorizer()`` returns the (lazily loaded) model, loaded only once an image
    has been read.
    """
    grays = [_read_gray(job, outcome, progress) for job in batch]
    readable = [(job, gray) for job, gray in zip(batch, grays) if gray is not None]
    if not readable:
        return
    for job, rgb in _predict(colorizer(), readable, outcome, progress):
        _write(job, rgb, outcome, progress, overwrite=overwrite)


def split_clips(jobs):
    """``(clips, others)``: the jobs whose input is a video file, and the rest."""
    from ._video_io import is_video_path

    clips = [job for job in jobs if is_video_path(job.source)]
    return clips, [job for job in jobs if job not in clips]


def colorize_clips(colorizer, clips, outcome, progress, *, overwrite):
    """Colorize each clip with :func:`skcolor.video.colorize_clip`, one at a time.

    ``colorizer()`` returns the (lazily loaded) model; it is called only once a clip
    has opened. A progress object with a ``frames(job)`` method gets a per-clip
    ``(done, total)`` frame callback from it (closed through its ``close``, if any).
    """
    from .video import colorize_clip

    for job in clips:
        frames = progress.frames(job) if hasattr(progress, "frames") else None
        try:
            job.target.parent.mkdir(parents=True, exist_ok=True)
            colorize_clip(job.source, job.target, colorizer, overwrite=overwrite, progress=frames)
        except FileExistsError:  # appeared since the run started
            outcome.skipped.append(job)
        except (OSError, ValueError) as exc:
            record_failure(job, describe_error(exc), outcome, progress)
        except Exception as exc:  # e.g. memory exhausted; the other files go on
            record_failure(job, _cannot_colorize(exc), outcome, progress)
        else:
            outcome.written += 1
        finally:
            getattr(frames, "close", lambda: None)()
        progress.advance(1)


def record_failure(job, reason, outcome, progress):
    """Record that ``job`` failed for ``reason``, and show it through ``progress``."""
    name = os.fspath(job.source)
    outcome.failed.append((name, reason))
    # read_image's messages already name the file.
    progress.message(reason if name in reason else f"{name}: {reason}")


def describe_error(exc):
    """The short reason an OSError (its strerror) or other error (its text) gives."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def _read_gray(job, outcome, progress):
    """The image's luminance ``(H, W, 1)`` uint8, or None after reporting why not."""
    import numpy as np

    from .color import rgb_to_gray
    from .io import read_image

    try:
        rgb = read_image(job.source, mode="rgb")
    except (OSError, ValueError) as exc:
        record_failure(job, describe_error(exc), outcome, progress)
        return None
    # Gray files are read as three equal channels, whose BT.601 luma is the gray
    # itself; color files give the luminance the model was trained on.
    return rgb_to_gray(rgb[np.newaxis])[0]


def _predict(colorizer, readable, outcome, progress):
    """``(job, rgb)`` for each image that the model colorizes; report the others."""
    jobs, grays = zip(*readable)
    try:
        return list(zip(jobs, colorizer.predict(list(grays))))
    except Exception as exc:  # e.g. memory exhausted on a huge photo; reported below
        if len(readable) == 1:
            record_failure(jobs[0], _cannot_colorize(exc), outcome, progress)
            return []
    results = []
    for job, gray in readable:  # one at a time, so that only the culprit is skipped
        try:
            results.append((job, colorizer.predict([gray])[0]))
        except Exception as exc:
            record_failure(job, _cannot_colorize(exc), outcome, progress)
    return results


def _cannot_colorize(exc):
    return f"cannot colorize it ({type(exc).__name__}: {exc})"


def _write(job, rgb, outcome, progress, *, overwrite):
    from .io import write_image

    if job.target.exists() and not overwrite:  # appeared since the run started
        outcome.skipped.append(job)
        return
    try:
        job.target.parent.mkdir(parents=True, exist_ok=True)
        write_image(job.target, rgb)
    except (OSError, ValueError) as exc:
        record_failure(job, f"cannot write {os.fspath(job.target)}: {describe_error(exc)}",
                       outcome, progress)
        return
    outcome.written += 1
