"""Helpers shared by the benchmark scripts: logging, timing, photos, memory, records.

- ``make_logger``, ``best_of``, ``make_epoch_timer`` (a Keras callback, given to
  skcolor through ``AutoencoderColorizer(callbacks=[...])``);
- ``load_skimage_photos``, ``make_timing_photo``: real photos, offline;
- ``current_rss_mb``, ``max_rss_mb``, ``big_photo_in_subprocess``: the memory
  probe of ``predict`` on a 24-megapixel photo, in a fresh process;
- ``with_params``: set a shared model's parameters for a block, then put them back;
- ``markdown_table``, ``fmt_db``, ``write_json``, ``machine_info``, ``load_average``:
  the records and tables the scripts print and write.

Keras is imported only inside the functions, so importing this module is free.
"""

import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

__all__ = [
    "DATA", "make_logger", "best_of", "make_epoch_timer", "load_skimage_photos", "make_timing_photo",
    "current_rss_mb", "max_rss_mb", "big_photo_in_subprocess", "big_photo_worker",
    "with_params", "markdown_table", "fmt_db", "write_json", "machine_info", "load_average",
]

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
#: The full data sets (``cifar10/``, ``photos/``, ...): $SKCOLOR_DATA, else ../shared/data
#: beside the repository. The tests never need it; they read tests/data.
DATA = Path(os.environ.get("SKCOLOR_DATA", REPO.parent / "shared" / "data"))
#: (height, width) of the timed photos: 768×512 and 24 megapixels (6000×4000).
PHOTO_SIZES = {"768x512": (512, 768), "6000x4000": (4000, 6000)}
#: Timed calls after the warm-up, where a benchmark times ``predict``.
PREDICT_REPEATS = 2
_WORKER_MARK = "BENCHMARK_WORKER_RESULT "


def make_logger(name):
    """A ``log(message)`` that prints ``[name HH:MM:SS] message`` on stderr."""

    def log(message):
        print(f"[{name} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    return log


def best_of(function, repeats=PREDICT_REPEATS):
    """Seconds of ``repeats`` timed calls after one untimed warm-up call."""
    function()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return seconds


@contextlib.contextmanager
def with_params(model, **params):
    """Within the block, ``model`` has ``params``; afterwards, its previous values again."""
    saved = {name: getattr(model, name) for name in params}
    model.set_params(**params)
    try:
        yield model
    finally:
        model.set_params(**saved)


def make_epoch_timer():
    """A Keras callback recording the wall and CPU time of each epoch (validation included).

    The process CPU time is a second opinion when other work shares the machine:
    it grows less than wall time when the CPUs are contended.

    Returns
    -------
    timer : keras.callbacks.Callback
        With the lists ``seconds`` and ``cpu_seconds``, one entry per finished epoch.
    """
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []
            self.cpu_seconds = []
            self._start = self._cpu_start = None

        def on_epoch_begin(self, epoch, logs=None):
            self._start, self._cpu_start = time.perf_counter(), time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)
            self.cpu_seconds.append(time.process_time() - self._cpu_start)

    return EpochTimer()


def load_skimage_photos(names):
    """The scikit-image photos among ``names`` that load without the network.

    Returns a list of ``(name, source, rgb)`` and a dict ``name → why skipped``.
    """
    import skimage.data
    from skimage.data import _fetchers

    loaders = {name: getattr(skimage.data, name, None) for name in names}
    loaders["motorcycle_left"] = lambda: skimage.data.stereo_motorcycle()[0]
    photos, skipped = [], {}
    # With no fetcher, scikit-image raises instead of downloading a missing file.
    fetcher = getattr(_fetchers, "_image_fetcher", None)
    _fetchers._image_fetcher = None
    try:
        for name in names:
            try:
                if loaders[name] is None:
                    raise AttributeError(f"skimage.data has no {name}()")
                image = np.asarray(loaders[name]())
            except Exception as exc:  # a missing file or optional dependency: skip it
                skipped[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
                continue
            if image.ndim != 3 or image.shape[-1] != 3 or image.dtype != np.uint8:
                skipped[name] = f"not 8-bit RGB: shape {image.shape}, dtype {image.dtype}"
                continue
            photos.append((name, f"skimage.data.{name}", image))
    finally:
        _fetchers._image_fetcher = fetcher
    return photos, skipped


def make_timing_photo(height, width):
    """A real photo (scikit-image's coffee, 3:2) in gray uint8, resized to (height, width)."""
    import cv2
    import skimage.data

    from skcolor.color import rgb_to_gray

    gray = rgb_to_gray(skimage.data.coffee()[np.newaxis])[0]
    return cv2.resize(gray, (width, height), interpolation=cv2.INTER_LINEAR)[:, :, np.newaxis]


def current_rss_mb():
    """Resident set size of this process now, in MB (None where /proc is missing)."""
    try:
        with open("/proc/self/statm") as file:
            pages = int(file.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def max_rss_mb():
    """Peak resident set size of this process so far, in MB."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs KiB


def big_photo_in_subprocess(model_name, model_path):
    """Run :func:`big_photo_worker` in a fresh Python process; its result dict.

    Call it while the calling process is small: a child inherits its parent's peak
    RSS (``ru_maxrss`` survives fork and exec on Linux).
    """
    code = (f"import sys; sys.path[:0] = [{str(BENCHMARKS)!r}, {str(REPO)!r}]; "
            "import _common; _common.big_photo_worker(sys.argv[1])")
    argument = "default" if model_name == "default" else str(model_path)
    done = subprocess.run([sys.executable, "-c", code, argument], capture_output=True,
                          text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith(_WORKER_MARK):
            return json.loads(line[len(_WORKER_MARK):])
    raise RuntimeError(f"24-MP worker for {model_name} failed (exit {done.returncode}):\n"
                       + done.stderr[-3000:])


def big_photo_worker(model):
    """Time and measure the memory of ``predict`` on a 24-MP photo; print the result.

    Runs in a fresh process (see :func:`big_photo_in_subprocess`): loads ``model``
    (a ``.keras`` path, or ``"default"`` for the shipped model), warms up on a
    768×512 photo, reads the resident set size, predicts the 24-MP photo once (which
    sets the peak RSS and is the warm-up for the timing), then times
    PREDICT_REPEATS more calls.
    """
    from skcolor import AutoencoderColorizer, load_pretrained

    colorizer = load_pretrained() if model == "default" else AutoencoderColorizer.load(model)
    big = make_timing_photo(*PHOTO_SIZES["6000x4000"])
    colorizer.predict(make_timing_photo(*PHOTO_SIZES["768x512"])[np.newaxis])
    rss_before, peak_before = current_rss_mb(), max_rss_mb()
    start = time.perf_counter()
    colorizer.predict(big[np.newaxis])
    first_seconds = time.perf_counter() - start
    peak_after = max_rss_mb()
    # ru_maxrss survives exec: a peak from before predict (this process's or, on Linux,
    # the parent's) would hide predict's own. Then the figure is only a lower bound.
    reliable = rss_before is not None and peak_after > peak_before
    seconds = []  # the first call above was the warm-up
    for _ in range(PREDICT_REPEATS):
        start = time.perf_counter()
        colorizer.predict(big[np.newaxis])
        seconds.append(time.perf_counter() - start)
    result = {
        "height": big.shape[0], "width": big.shape[1],
        "rss_before_predict_mb": rss_before, "max_rss_before_predict_mb": peak_before,
        "max_rss_after_predict_mb": peak_after,
        "peak_extra_mb": None if rss_before is None else peak_after - rss_before,
        "peak_is_from_predict": reliable,
        "first_call_seconds": first_seconds, "seconds": seconds,
        "seconds_best": min(seconds),
    }
    print(_WORKER_MARK + json.dumps(result), flush=True)


def markdown_table(header, rows):
    """Lines of a markdown table: ``header`` (cells) then each row (cells)."""
    lines = ["| " + " | ".join(str(cell) for cell in header) + " |",
             "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def fmt_db(value, cap=100.0):
    """A PSNR in dB for a table: ``—`` for None, ``∞`` at the cap (identical images)."""
    if value is None:
        return "—"
    return "∞" if value >= cap else f"{value:.2f} dB"


def write_json(path, record):
    """Write ``record`` as indented JSON to ``path``, creating its folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, default=str, allow_nan=False) + "\n")


def machine_info():
    """Platform, CPUs, library versions and GPUs of this process, for a benchmark record."""
    import keras
    import skimage
    import sklearn
    import tensorflow as tf

    import skcolor

    try:
        usable_cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable_cpus = None
    gpus = tf.config.list_physical_devices("GPU")
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "usable_cpus": usable_cpus,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "numpy": np.__version__,
        "scikit_learn": sklearn.__version__,
        "scikit_image": skimage.__version__,
        "skcolor": skcolor.__version__,
        "gpu": bool(gpus),
        "gpus": [gpu.name for gpu in gpus],
        "tf_intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "tf_inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
    }


def load_average():
    """The 1, 5 and 15-minute load averages (how busy the machine was), or None."""
    try:
        return list(os.getloadavg())
    except (AttributeError, OSError):  # not available on this platform
        return None
