"""The shipped model's predictions on a fixed batch stay as they were recorded.

Any change to inference (working size, padding, strip recombination, color
conversion, decoding) or to the saved model shows here. uint8 outputs must match
exactly; float32 outputs within 1e-6, since TensorFlow's kernels round differently
on different CPUs (AVX2, AVX-512, ARM) by a few units in the last place.
Regenerate only on purpose: ``PYTHONPATH=$PWD python tests/test_shipped_predictions.py``.
"""

from pathlib import Path

import numpy as np
import pytest

RECORD = Path(__file__).with_name("shipped_predictions.npz")


def fixed_batch():
    """Name → gray input: crops of scikit-image's photos (offline), random images of
    odd sizes, one taller than a recombination strip, and a float batch."""
    import skimage.data

    from skcolor.color import rgb_to_gray

    rng = np.random.default_rng(12)
    photos = {name: rgb_to_gray(getattr(skimage.data, name)()[np.newaxis])[0]
              for name in ("chelsea", "astronaut", "coffee")}
    return {
        "chelsea_crop": photos["chelsea"][40:140, 100:250],  # 100×150: shrunk to 64
        "astronaut_crop": photos["astronaut"][:48, :64],     # at full size, padded
        "coffee_crop": photos["coffee"][100:133, 200:247],   # 33×47: odd, reflect-padded
        "random_batch": rng.integers(0, 256, (4, 32, 32, 1), dtype=np.uint8),
        "random_odd": rng.integers(0, 256, (1, 37, 53, 1), dtype=np.uint8),
        "random_tiny": rng.integers(0, 256, (1, 5, 7, 1), dtype=np.uint8),  # edge-padded
        "tall_strips": rng.integers(0, 256, (1, 530, 24, 1), dtype=np.uint8),  # two strips
        "float_batch": rng.random((2, 40, 24, 1), dtype=np.float32),
    }


def predictions(colorizer):
    out = {}
    for name, gray in fixed_batch().items():
        batch = gray if gray.ndim == 4 else gray[np.newaxis]
        out[name] = colorizer.predict(batch)
    return out


def _shipped():
    from skcolor import AutoencoderColorizer
    from skcolor._pretrained import PRETRAINED_MODELS

    return AutoencoderColorizer.load(PRETRAINED_MODELS["cifar10"])


def test_shipped_model_predictions_match_the_record():
    recorded = np.load(RECORD)
    now = predictions(_shipped())
    assert sorted(now) == sorted(recorded.files)
    for name, predicted in now.items():
        expected = recorded[name]
        assert predicted.dtype == expected.dtype, name
        assert predicted.shape == expected.shape, name
        if predicted.dtype == np.uint8:
            differ = int(np.count_nonzero(predicted != expected))
            assert differ == 0, f"{name}: {differ} of {predicted.size} values differ"
        else:
            np.testing.assert_allclose(predicted, expected, rtol=0, atol=1e-6, err_msg=name)


if __name__ == "__main__":
    np.savez_compressed(RECORD, **predictions(_shipped()))
    print(f"wrote {RECORD} ({RECORD.stat().st_size:,} bytes)")
