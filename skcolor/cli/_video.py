"""``skcolor colorize`` on video files: the command's side of :mod:`skcolor.video`.

The colorize command's per-file loop hands the clips among its jobs to
:func:`colorize_clips`, which colorizes each with
:func:`skcolor.video.colorize_clip`, shows frame progress, and records the
outcome as the loop does for images.
"""

import os

from ..video import colorize_clip, is_video_path
from ._common import Progress

__all__ = ["split_clips", "colorize_clips"]


def split_clips(jobs):
    """``(clips, images)``: the jobs whose input is a video file, and the others."""
    clips = [job for job in jobs if is_video_path(job.source)]
    return clips, [job for job in jobs if job not in clips]


def colorize_clips(clips, model, outcome, progress, *, overwrite):
    """Colorize each clip with :func:`skcolor.video.colorize_clip`, frame progress shown.

    ``model`` is the colorizer or a function that loads it (called at most once,
    when the first clip opens).
    """
    loaded = [] if callable(model) and not hasattr(model, "predict") else [model]

    def load():
        if not loaded:
            loaded.append(model())
        return loaded[0]

    from ._colorize import NAME, _cannot_colorize, _describe, _fail

    for job in clips:
        frames = Progress(0, f"skcolor {NAME} {os.fspath(job.source)}", stream=progress.stream,
                          unit="frames")

        def show(done, total, frames=frames):
            frames.total = total
            frames.advance(done - frames.done)

        try:
            job.target.parent.mkdir(parents=True, exist_ok=True)
            colorize_clip(job.source, job.target, load, overwrite=overwrite, progress=show)
        except FileExistsError:  # appeared since the run started
            outcome.skipped.append(job)
        except (OSError, ValueError) as exc:
            _fail(job, _describe(exc), outcome, progress)
        except Exception as exc:  # e.g. memory exhausted; the other files go on
            _fail(job, _cannot_colorize(exc), outcome, progress)
        else:
            outcome.written += 1
        finally:
            frames.close()
        progress.advance(1)
