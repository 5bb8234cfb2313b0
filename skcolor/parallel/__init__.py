"""Colorize many files on a Dask cluster, and what skcolor does inside Dask workers.

Hyperparameter searches need nothing from this module: scikit-learn's searches
run on a cluster through joblib's Dask backend (``with
joblib.parallel_backend("dask"): search.fit(X, y)``), and every fit limits
TensorFlow's threads to its worker's share (see ``docs/scaling_out.md``).

Importing this module does not import Dask; the functions that need it do, and
say how to install it if it is missing (``pip install "skcolor[dask]"``).

Only the Dask glue lives here: planning, reading, colorizing and writing the
files, and recording what became of each, are :mod:`skcolor.batch`'s, the same
code that ``skcolor colorize`` runs without a cluster.
"""

import functools
import math
import os
import pickle
import threading
from pathlib import Path

from .._colorizer._model_file import check_model_file
from .._params import Interval, Options, Param, validate_params
from .._runtime import THREADS_VARIABLE, limit_tensorflow_threads
from ..batch import BatchRun, Job, load_colorizer, plan_jobs, split_clips, with_predict_params

# colorize_jobs_on_cluster is what ``skcolor colorize --scheduler`` uses too.
__all__ = ["colorize_files", "THREADS_VARIABLE"]

_INSTALL_HINT = 'skcolor.parallel needs Dask: pip install "skcolor[dask]"'
# Files per task at most: enough to amortize a task's overhead, few enough that
# the workers share a folder evenly and a lost worker loses little.
_DEFAULT_FILES_PER_TASK = 64


def distributed_module():
    """``distributed``, or an ImportError saying how to install it."""
    try:
        import distributed
    except ImportError as exc:
        raise ImportError(f"{_INSTALL_HINT} ({exc})") from exc
    return distributed


@validate_params({
    "overwrite": Param([Options(False, True)]),
    "batch_size": Param([Interval(int, 1, None)]),
    "working_size": Param([Interval(int, 8, None), Options(None)]),
    "vividness": Param([Interval(float, 0, 1), Options(None)]),
    "files_per_task": Param([Interval(int, 1, None)]),
})
def colorize_files(paths, out_dir, client=None, *, model=None, overwrite=False, batch_size=8,
                   working_size=None, vividness=None, files_per_task=_DEFAULT_FILES_PER_TASK):
    """Colorize image files, folders and glob patterns on the workers of a Dask cluster.

    The Python form of ``skcolor colorize INPUT... -o OUT_DIR --scheduler ADDRESS``:
    the same inputs, the same outputs and the same handling of bad files. Each
    worker process loads the model once and colorizes its share of the files,
    ``batch_size`` images at a time. Each output has the input's size, name and
    format and is written atomically; a file that cannot be read, colorized or
    written is recorded in ``failed`` while the others go on.

    Parameters
    ----------
    paths : str, path-like or list of them
        Image files, folders (searched recursively; a file keeps its subfolder
        under ``out_dir``) and glob patterns.
    out_dir : str or path-like
        Folder for the colorized images; created if missing.
    client : distributed.Client, default=None
        The cluster to run on; None uses the current default client.
    model : AutoencoderColorizer, str or path-like, default=None
        A fitted colorizer (sent once to each worker), the path of a ``.keras``
        file written by :meth:`AutoencoderColorizer.save
        <skcolor.AutoencoderColorizer.save>` (read by each worker), or None for
        the model that ships with skcolor.
    overwrite : bool, default=False
        Replace outputs that already exist; by default they are kept and
        their inputs counted as skipped.
    batch_size : int, default=8
        Images held in memory and colorized together by a worker thread.
    working_size : int, default=None
        Longest side at which the network looks at each photo; None keeps the
        model's own ``working_size``.
    vividness : float, default=None
        How boldly a chroma-class model colors, in [0, 1] (see
        :class:`~skcolor.AutoencoderColorizer`); None keeps the model's own.
    files_per_task : int, default=64
        Most files handed to a worker at once.

    Returns
    -------
    outcome : Outcome
        ``written`` (int, outputs written), ``skipped`` (list of jobs, with
        ``source`` and ``target`` paths, whose output existed), ``failed`` (list of
        ``(input, reason)``) and ``ignored`` (int, files without an image suffix or
        hidden, passed over in folders).

    Raises
    ------
    TypeError
        If a parameter has the wrong type (as the estimator's do).
    ImportError
        If Dask is not installed.
    ValueError
        If a parameter has the wrong value, there is no client, ``out_dir`` is not a folder, two inputs would be
        written to the same output, or the workers cannot load ``model``.
    FileNotFoundError
        If ``model`` names no file.

    Notes
    -----
    The workers read the inputs and write the outputs at the absolute paths
    seen from this process, and read ``model`` when it is a path, so those must
    be on a file system that every worker shares. Workers limit TensorFlow to
    their number of threads (``dask worker --nthreads``) unless
    ``SKCOLOR_NUM_THREADS`` is set in their environment.

    Examples
    --------
    >>> from dask.distributed import Client  # doctest: +SKIP
    >>> from skcolor.parallel import colorize_files  # doctest: +SKIP
    >>> outcome = colorize_files(["scans/"], "colored/", client=Client("tcp://host:8786"))  # doctest: +SKIP
    >>> outcome.written, outcome.failed  # doctest: +SKIP
    (1250, [('scans/1950/torn.jpg', 'cannot identify image file')])
    """
    distributed = distributed_module()
    if client is None:
        try:
            client = distributed.default_client()
        except ValueError:
            raise ValueError(
                "colorize_files needs a Dask cluster: pass client=Client(address), or "
                "create a Client first, which becomes the default."
            ) from None
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"out_dir must be a folder; {os.fspath(out_dir)!r} is a file.")
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    _, todo, outcome = plan_jobs([os.fspath(path) for path in paths], out_dir,
                                 overwrite=overwrite)
    if todo:
        colorize_jobs_on_cluster(
            client, todo, BatchRun(None, batch_size, overwrite, outcome=outcome), model=model,
            predict_params={"working_size": working_size, "vividness": vividness},
            files_per_task=files_per_task,
        )
    return outcome


def colorize_jobs_on_cluster(client, jobs, run, *, model, predict_params,
                             files_per_task=_DEFAULT_FILES_PER_TASK):
    """Colorize ``jobs`` on ``client``'s workers as ``run`` says; record the results in it.

    What ``skcolor colorize --scheduler`` and :func:`colorize_files` share. The
    workers run a :class:`~skcolor.batch.BatchRun`, the local code, with
    ``run``'s batch size, ``overwrite`` and clip options on their shares, loading
    ``model`` with ``predict_params`` themselves (``run.load`` is not used); here
    their outcomes are merged into ``run.outcome``, and failures reported through
    ``run.progress`` as a local run reports them, with the inputs named as they
    were given.

    Raises
    ------
    FileNotFoundError, ValueError
        If the workers cannot load the model (the message says so).
    """
    distributed = distributed_module()
    outcome, progress = run.outcome, run.progress
    model_spec = _model_spec(client, model)
    # Workers may run in other folders: they get absolute paths, and failures
    # come back named as the user named the inputs.
    given = {}
    shipped = []
    for job in jobs:
        absolute = Job(Path(os.path.abspath(job.source)), Path(os.path.abspath(job.target)))
        given[absolute.source] = job
        shipped.append(absolute)
    n_threads = max(1, sum(client.nthreads().values()))
    per_task = max(1, min(files_per_task, math.ceil(len(shipped) / n_threads)))
    clips, shipped = split_clips(shipped)  # video hook: each clip is one task of its own
    shares = [[clip] for clip in clips]
    shares += [shipped[start:start + per_task] for start in range(0, len(shipped), per_task)]
    # Options bound here (Client.map has a batch_size of its own); the model's
    # future goes as an argument, which Dask replaces by its value on the worker.
    colorize_share = functools.partial(
        _colorize_share, predict_params=predict_params, batch_size=run.batch_size,
        overwrite=run.overwrite, clip_options=run.clip_options,
    )
    futures = client.map(colorize_share, shares, [model_spec] * len(shares), pure=False)
    share_of = dict(zip(futures, shares))
    try:
        for future in distributed.as_completed(futures, loop=client.loop):
            share = share_of[future]
            try:
                result = future.result()
            except (FileNotFoundError, ValueError) as exc:  # the model: every share fails alike
                raise type(exc)(f"on a Dask worker: {exc}") from exc
            except Exception as exc:  # e.g. a worker killed by the memory limit
                reason = f"lost on a Dask worker ({type(exc).__name__}: {exc})"
                for job in share:
                    run.record_failure(given[job.source], reason)
            else:
                outcome.written += result.written
                outcome.skipped.extend(given[job.source] for job in result.skipped)
                for name, reason in result.failed:
                    job = given[Path(name)]
                    run.record_failure(job, reason.replace(name, os.fspath(job.source)))
            progress.advance(len(share))
    finally:
        client.cancel(futures)
        progress.close()


def _model_spec(client, model):
    """What tells a worker which model to load: None, a path, or a pickle's future."""
    from .._colorizer._estimator import AutoencoderColorizer

    if model is None:
        return None
    if isinstance(model, AutoencoderColorizer):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(model)
        # Pickled here, unpickled in the task: after the worker has limited
        # TensorFlow's threads, which unpickling on arrival would come before.
        payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
        return client.scatter(payload, broadcast=True, hash=True)
    if isinstance(model, (str, os.PathLike)):
        check_model_file(model)  # here, not once on every worker
        return ("path", os.path.abspath(model))
    raise TypeError(
        "model must be a fitted AutoencoderColorizer, the path of a .keras file written "
        f"by AutoencoderColorizer.save, or None for the shipped model; got {type(model).__name__}."
    )


def _colorize_share(jobs, model_spec, *, predict_params, batch_size, overwrite,
                    clip_options=None):
    """Run on a worker: colorize ``jobs`` with the local code."""
    run = BatchRun(lambda: with_predict_params(_worker_colorizer(model_spec), predict_params),
                   batch_size, overwrite, clip_options=clip_options)
    run.colorize(jobs)
    return run.outcome


_worker_models_lock = threading.Lock()


def _worker_colorizer(model_spec):
    """The model, loaded once per worker process (its threads share it)."""
    limit_tensorflow_threads()  # before loading starts TensorFlow in this process
    with _worker_models_lock:  # one load, even when several threads ask at once
        if isinstance(model_spec, bytes):
            return _unpickled(model_spec)
        if model_spec is None:
            return _loaded(None)
        path = model_spec[1]
        try:
            modified = os.stat(path).st_mtime_ns
        except OSError:
            modified = None  # load_colorizer says what is wrong with the path
        return _loaded(path, modified)


@functools.lru_cache(maxsize=2)
def _loaded(path, mtime_ns=None):  # the modification time reloads a replaced file
    return load_colorizer(None if path is None else Path(path))


@functools.lru_cache(maxsize=2)
def _unpickled(payload):
    return pickle.loads(payload)
