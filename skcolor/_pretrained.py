"""The colorizer that ships inside the package."""

import functools
from pathlib import Path

__all__ = ["load_pretrained", "DEFAULT_MODEL_PATH"]

#: Where the packaged default model lives.
DEFAULT_MODEL_PATH = Path(__file__).parent / "models" / "default.keras"


@functools.lru_cache(maxsize=1)
def _load_cached(path):
    from ._estimator import AutoencoderColorizer

    return AutoencoderColorizer.load(path)


def load_pretrained():
    """Return the fitted default colorizer shipped with skcolor (no network needed).

    Returns
    -------
    colorizer : AutoencoderColorizer
        Fitted; the same object on every call within a process.

    Raises
    ------
    FileNotFoundError
        If this installation of skcolor ships no default model.
    """
    if not DEFAULT_MODEL_PATH.is_file():
        raise FileNotFoundError(
            "This version of skcolor ships no default model yet "
            f"(expected {DEFAULT_MODEL_PATH}). Pass a fitted colorizer instead, e.g. "
            "GrayscaleToRGB(AutoencoderColorizer().fit(X_gray, X_rgb))."
        )
    return _load_cached(str(DEFAULT_MODEL_PATH))
