"""The colorizers that ship inside the package."""

import copy
import functools
from pathlib import Path

from ._colorizer._model_file import check_model_file
from ._params import Keys, Param, validate_params

_MODELS = Path(__file__).parent / "models"

#: Shipped model name → its ``.keras`` file. The first is the default.
PRETRAINED_MODELS = {
    "photos": _MODELS / "photos.keras",  # trained on real photos (docs/model_card.md)
    "cifar10": _MODELS / "cifar10.keras",  # trained on CIFAR-10's 32×32 images
    "photos-hints": _MODELS / "photos-hints.keras",  # the photo model taking color hints
}

#: Where the default model (``load_pretrained()``) lives.
DEFAULT_MODEL_PATH = PRETRAINED_MODELS["photos"]


@functools.lru_cache(maxsize=len(PRETRAINED_MODELS))
def _load_cached(path):
    from ._colorizer._estimator import AutoencoderColorizer

    return AutoencoderColorizer.load(path)


@validate_params({"name": Param([Keys(PRETRAINED_MODELS)])})
def load_pretrained(name="photos"):
    """Return a fitted colorizer shipped with skcolor (no network needed).

    Parameters
    ----------
    name : {"photos", "cifar10", "photos-hints"}, default="photos"
        ``"photos"``: trained on 76,370 different images, whole small scenes and
        real photos of people, streets, animals, objects, indoor scenes, landscapes
        and cities (the default of :class:`~skcolor.GrayscaleToRGB`
        and of ``skcolor colorize`` and ``skcolor demo``). ``"cifar10"``: trained on
        CIFAR-10's 32×32 images, skcolor's earlier default. ``"photos-hints"``:
        the photo model trained to take color hints (``predict(X, hints=...)``,
        :mod:`skcolor.hints`). Their data, recipes, figures and limits are in the
        model card (docs/model_card.md).

    Returns
    -------
    colorizer : AutoencoderColorizer
        Fitted. Each call returns a new, independent estimator: ``set_params`` or
        ``fit`` on one never changes another (the file is read once per process).

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not a shipped model; the message lists the shipped names.
    FileNotFoundError
        If this installation of skcolor lacks the model's file.

    Examples
    --------
    >>> from skcolor import load_pretrained
    >>> model = load_pretrained()
    >>> model.set_params(working_size=128).working_size, load_pretrained().working_size
    (128, 96)
    """
    return copy.deepcopy(shared_pretrained(name))


def shared_pretrained(name="photos"):
    """The process's one loaded copy of a shipped model, for skcolor's own read-only use.

    :class:`~skcolor.GrayscaleToRGB` predicts with it without paying for a copy on
    every call. Never hand it to users (they get :func:`load_pretrained`'s copies)
    and never change it.
    """
    path = PRETRAINED_MODELS[name]
    check_model_file(path, shipped=name)
    return _load_cached(str(path))
