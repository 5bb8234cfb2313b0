"""Colorize many image and video files: plan the jobs, colorize them, record the outcome.

The batch path that ``skcolor colorize`` runs here and that
:func:`skcolor.parallel.colorize_files` runs on the workers of a Dask cluster;
it needs no Dask itself. It raises ``ValueError`` and ``FileNotFoundError`` and
never exits: messages and exit codes are the command line's business.

The package holds this module, which gathers the names its users import, and two
private ones: ``_inputs`` (turning files, folders and glob patterns into jobs,
without reading an image) and ``_run`` (``BatchRun``: reading, predicting,
writing and recording what became of each job). These names are not part of the
documented API yet.
"""

from ._inputs import FoundInputs, Job, find_jobs
from ._run import (
    BatchRun,
    Outcome,
    SilentProgress,
    describe_error,
    load_colorizer,
    plan_jobs,
    split_clips,
    with_predict_params,
)

__all__ = [
    "BatchRun",
    "FoundInputs",
    "Job",
    "Outcome",
    "SilentProgress",
    "describe_error",
    "find_jobs",
    "load_colorizer",
    "plan_jobs",
    "split_clips",
    "with_predict_params",
]
