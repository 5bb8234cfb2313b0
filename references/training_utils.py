"""What the recipes of ``references/`` share: schedules, scenes, weight averages.

Each recipe puts this folder and ``benchmarks/`` (whose ``photos.py`` measures
and judges a photo model) on ``sys.path``. Data from ``$SKCOLOR_DATA`` or
``../shared/data`` (read-only).
"""

import numpy as np
from photos import DATA

from skcolor import AutoencoderColorizer


def parse_learning_rates(text):
    """``--learning-rates``: comma-separated rates, ``RATE*N`` for N rounds at RATE.

    >>> parse_learning_rates("3e-4*2,1e-4")
    [0.0003, 0.0003, 0.0001]
    """
    rates = []
    for entry in text.split(","):
        rate, _, count = entry.partition("*")
        rates += [float(rate)] * (int(count) if count else 1)
    return rates


def round_path(out, round_):
    """Where ``--keep-rounds`` keeps round ``round_``'s checkpoint of ``out``."""
    return out.with_name(f"{out.stem}.round{round_}.keras")


def average_weights(model, paths):
    """Give ``model`` the mean of the weights of the checkpoints at ``paths``.

    The rounds of one run at low learning rates lie close together, and each
    ends on its own draw of photo crops, so one round's figures swing with that
    draw (photos-val: 121 to 127 photos above gray, cast 6.9 to 8.8 between
    neighbouring rounds). Their mean (stochastic weight averaging, Izmailov et
    al. 2018) keeps what the rounds share; batch normalisation's moving
    statistics are averaged with the weights.
    """
    weights = [AutoencoderColorizer.load(path).model_.get_weights() for path in paths]
    model.model_.set_weights([np.mean(layer, axis=0).astype(layer[0].dtype)
                              for layer in zip(*weights)])
    print(f"averaged the weights of {len(paths)} rounds", flush=True)
    return model


def load_scenes(names, cache):
    """Whole small scenes (uint8, n×32×32×3) of the ``--scenes`` folders, cached as .npy."""
    from skcolor.datasets import load_cifar10, load_image_folder

    parts = []
    for name in names:
        path = cache / f"{name}.npy"
        if not path.exists():
            if name == "cifar10":
                images = load_cifar10(DATA / "cifar10")[0][0]  # the training split only
            else:
                images = load_image_folder(DATA / name, size=(32, 32)).images
            cache.mkdir(parents=True, exist_ok=True)
            np.save(path, images)
        parts.append(np.load(path))
        print(f"scenes: {len(parts[-1])} from {name}", flush=True)
    return np.concatenate(parts)


def with_policy(model, policy):
    """Rebuild ``model``'s network under the Keras dtype ``policy``, with its weights.

    A network keeps the policy it was built under in its file: one trained under
    ``mixed_bfloat16`` would compute in bfloat16 wherever it is loaded (slower on
    CPUs without bfloat16 units, and coarser), and a float32 file resumed for
    training would train in float32. The weights are float32 under either policy.
    """
    import keras

    keras.mixed_precision.set_global_policy(policy)
    weights = model.model_.get_weights()
    model._initialize(model.input_shape_, model.chroma_quantizer_, history=model.history_)
    model.model_.set_weights(weights)
    return model
