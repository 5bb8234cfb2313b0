"""Colorize many image files: plan the jobs, colorize them, record the outcome.

The library's batch path, shared by ``skcolor colorize`` and
:func:`skcolor.parallel.colorize_files`. It raises ``ValueError`` and
``FileNotFoundError`` and never exits; messages and exit codes are the command
line's business. Progress goes to a callback object (:class:`SilentProgress` has
the methods it needs). Each file is one job. A :class:`BatchRun` holds one run:
how its files are colorized (the model's loader, the batch size, whether outputs
are replaced), where progress goes and what became of each job; its
:meth:`~BatchRun.colorize` colorizes image files in batches and video files one
clip at a time.
"""

import os
from dataclasses import dataclass, field

from ._inputs import find_jobs


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
    """The progress callback of a :class:`BatchRun`, doing nothing.

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
        What :func:`skcolor.batch.find_jobs` found.
    todo : list of Job
        The jobs to colorize.
    outcome : Outcome
        Started with the inputs that cannot be used and the outputs kept.

    Raises
    ------
    ValueError
        If two inputs would be written to the same output.
    """
    from ..video._io import VIDEO_SUFFIXES
    from ..io import IMAGE_SUFFIXES

    found = find_jobs(inputs, outdir, suffixes=IMAGE_SUFFIXES + VIDEO_SUFFIXES)
    outcome = Outcome(failed=list(found.problems), ignored=found.ignored)
    todo = []
    for job in found.jobs:
        if job.target.exists() and not overwrite:
            outcome.skipped.append(job)  # decided before the model is even loaded
        else:
            todo.append(job)
    return found, todo, outcome


def load_colorizer(path=None, *, pretrained="photos"):
    """The fitted colorizer saved in ``path``, or a fresh copy of the shipped model
    named ``pretrained`` for None.

    Raises
    ------
    FileNotFoundError
        If ``path`` names no file, or skcolor ships no model.
    ValueError
        If the file is a folder or not a model skcolor can load; the message says why.
    """
    from .._colorizer._estimator import AutoencoderColorizer
    from .._pretrained import load_pretrained

    return load_pretrained(pretrained) if path is None else AutoencoderColorizer.load(path)


def with_predict_params(colorizer, predict_params):
    """``colorizer``, or a shallow copy of it with the predict-time parameters that
    ``predict_params`` (``working_size``, ``vividness``) sets to a value other than None."""
    import copy

    given = {name: value for name, value in predict_params.items() if value is not None}
    if not given:
        return colorizer
    # A shallow copy shares the network, and leaves the given colorizer as it was.
    return copy.copy(colorizer).set_params(**given)


@dataclass
class BatchRun:
    """One run of the batch path: how its files are colorized, and what became of them.

    Attributes
    ----------
    load : callable or None
        Returns the colorizer; called once, when the first readable image (or the
        first clip that opens) needs it, so that a run whose inputs are all
        unreadable never starts Keras. Errors from it propagate. None for a run
        whose files are colorized elsewhere (on a Dask cluster's workers).
    batch_size : int, default=8
        Images read, colorized and written together.
    overwrite : bool, default=False
        Whether existing outputs are replaced.
    progress : object, default=SilentProgress()
        Told of each job done and each failure (see :class:`SilentProgress`).
    outcome : Outcome, default=Outcome()
        What became of the jobs, added to as they are done.
    hints : dict or None, default=None
        RGBA color hints by input path (``job.source``), for a hint-aware model.
    clip_options : dict or None, default=None
        Options of :func:`skcolor.video.colorize_clip` for the video files, such
        as ``crf``; None keeps its defaults.
    """

    load: object
    batch_size: int = 8
    overwrite: bool = False
    progress: object = field(default_factory=SilentProgress)
    outcome: Outcome = field(default_factory=Outcome)
    hints: dict = None
    clip_options: dict = None
    _colorizer: object = field(default=None, init=False, repr=False)

    def colorize(self, jobs):
        """Read, colorize and write ``jobs``; record the results in ``outcome``.

        A file that cannot be read, colorized or written is recorded in
        ``outcome.failed`` and shown through ``progress``; the others go on.
        """
        clips, jobs = split_clips(jobs)  # a clip is a job of its own, streamed frame by frame
        try:
            for start in range(0, len(jobs), self.batch_size):
                batch = jobs[start:start + self.batch_size]
                self._colorize_batch(batch)
                self.progress.advance(len(batch))
            self._colorize_clips(clips)
        finally:
            self.progress.close()

    def record_failure(self, job, reason):
        """Record that ``job`` failed for ``reason``, and show it through ``progress``."""
        name = os.fspath(job.source)
        self.outcome.failed.append((name, reason))
        # read_image's messages already name the file.
        self.progress.message(reason if name in reason else f"{name}: {reason}")

    def _loaded_colorizer(self):
        if self._colorizer is None:
            self._colorizer = self.load()
            self.progress.restart_clock()  # the rate is of colorizing, not of loading
        return self._colorizer

    def _colorize_batch(self, batch):
        """Colorize one batch of file jobs: read each, predict together, write each."""
        grays = [self._read_gray(job) for job in batch]
        readable = [(job, gray) for job, gray in zip(batch, grays) if gray is not None]
        if not readable:
            return
        for job, rgb in self._predict(self._loaded_colorizer(), readable):
            self._write(job, rgb)

    def _colorize_clips(self, clips):
        """Colorize each clip with :func:`skcolor.video.colorize_clip`, one at a time.

        A progress object with a ``frames(job)`` method gets a per-clip
        ``(done, total)`` frame callback from it (closed through its ``close``, if any).
        """
        from ..video import colorize_clip

        for job in clips:
            frames = self.progress.frames(job) if hasattr(self.progress, "frames") else None
            try:
                job.target.parent.mkdir(parents=True, exist_ok=True)
                colorize_clip(job.source, job.target, self._loaded_colorizer,
                              overwrite=self.overwrite, progress=frames,
                              **(self.clip_options or {}))
            except FileExistsError:  # appeared since the run started
                self.outcome.skipped.append(job)
            except (OSError, ValueError) as exc:
                self.record_failure(job, describe_error(exc))
            except Exception as exc:  # e.g. memory exhausted; the other files go on
                self.record_failure(job, _cannot_colorize(exc))
            else:
                self.outcome.written += 1
            finally:
                getattr(frames, "close", lambda: None)()
            self.progress.advance(1)

    def _read_gray(self, job):
        """The image's luminance ``(H, W, 1)`` uint8, or None after reporting why not."""
        import numpy as np

        from ..color import rgb_to_gray
        from ..io import read_image

        try:
            rgb = read_image(job.source, mode="rgb")
        except (OSError, ValueError) as exc:
            self.record_failure(job, describe_error(exc))
            return None
        # Gray files are read as three equal channels, whose BT.601 luma is the gray
        # itself; color files give the luminance the model was trained on.
        return rgb_to_gray(rgb[np.newaxis])[0]

    def _predict(self, colorizer, readable):
        """``(job, rgb)`` for each image that the model colorizes; report the others."""
        def predict(jobs, grays):
            if not self.hints:
                return colorizer.predict(list(grays))
            return colorizer.predict(list(grays), hints=[self.hints.get(job.source) for job in jobs])

        jobs, grays = zip(*readable)
        try:
            return list(zip(jobs, predict(jobs, grays)))
        except Exception as exc:  # e.g. memory exhausted on a huge photo; reported below
            if len(readable) == 1:
                self.record_failure(jobs[0], _cannot_colorize(exc))
                return []
        results = []
        for job, gray in readable:  # one at a time, so that only the culprit is skipped
            try:
                results.append((job, predict([job], [gray])[0]))
            except Exception as exc:
                self.record_failure(job, _cannot_colorize(exc))
        return results

    def _write(self, job, rgb):
        from ..io import write_image

        if job.target.exists() and not self.overwrite:  # appeared since the run started
            self.outcome.skipped.append(job)
            return
        try:
            job.target.parent.mkdir(parents=True, exist_ok=True)
            write_image(job.target, rgb)
        except (OSError, ValueError) as exc:
            self.record_failure(
                job, f"cannot write {os.fspath(job.target)}: {describe_error(exc)}")
            return
        self.outcome.written += 1


def split_clips(jobs):
    """``(clips, others)``: the jobs whose input is a video file, and the rest."""
    from ..video._io import is_video_path

    clips = [job for job in jobs if is_video_path(job.source)]
    return clips, [job for job in jobs if job not in clips]


def describe_error(exc):
    """The short reason an OSError (its strerror) or other error (its text) gives."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def _cannot_colorize(exc):
    return f"cannot colorize it ({type(exc).__name__}: {exc})"
