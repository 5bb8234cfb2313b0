"""scikit-learn's manners: clones, pickles, seeds, callbacks and checkpoints behave as a
scikit-learn user expects.

Training uses scikit-image's bundled photo (offline) cut into small tiles, and a
tiny network, so each fit takes about a second.
"""

import json
import random
import shutil
import sys
import zipfile

import keras
import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone

from skcolor import AutoencoderColorizer

TINY = dict(filters=(4, 8), epochs=1, batch_size=8, validation_fraction=0, lr_patience=None)


@pytest.fixture(scope="module")
def tiles():
    """16 RGB tiles of 32×32 from scikit-image's astronaut."""
    import skimage.data

    photo = skimage.data.astronaut()[:128, :128]
    return photo.reshape(4, 32, 4, 32, 3).swapaxes(1, 2).reshape(16, 32, 32, 3)


# 1. load does not check checkpoint_path against the file system.
def test_a_model_trained_with_a_checkpoint_loads_after_its_folder_is_gone(tiles, tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    model = AutoencoderColorizer(**TINY, random_state=0, checkpoint_path=folder / "c.keras")
    model.fit(tiles)
    model.save(tmp_path / "model.keras")
    shutil.rmtree(folder)  # another machine, or a cleaned-up run
    loaded = AutoencoderColorizer.load(tmp_path / "model.keras")
    assert loaded.checkpoint_path == str(folder / "c.keras")
    np.testing.assert_array_equal(loaded.predict(tiles[:2, ..., :1]),
                                  model.predict(tiles[:2, ..., :1]))
    with pytest.raises(ValueError, match="missing or not writable"):  # fit still checks it
        loaded.set_params(warm_start=True).fit(tiles)


# 2. fit neither reseeds nor consumes Python's and NumPy's global generators.
@pytest.mark.parametrize("random_state", [None, 0, np.random.RandomState(3)])
def test_fit_leaves_the_global_random_state_alone(tiles, random_state):
    random.seed(12345)
    np.random.seed(12345)
    python_state, numpy_state = random.getstate(), np.random.get_state()
    AutoencoderColorizer(**TINY, random_state=random_state).fit(tiles)
    assert random.getstate() == python_state
    after = np.random.get_state()
    assert after[2] == numpy_state[2]  # position in the stream
    np.testing.assert_array_equal(after[1], numpy_state[1])


def test_a_seeded_fit_is_still_repeatable(tiles):
    first = AutoencoderColorizer(**TINY, random_state=7).fit(tiles)
    second = AutoencoderColorizer(**TINY, random_state=7).fit(tiles)
    for a, b in zip(first.model_.get_weights(), second.model_.get_weights()):
        np.testing.assert_array_equal(a, b)


# 4. Clones (a search's candidates) never overwrite each other's checkpoint.
def test_clones_sharing_a_checkpoint_path_do_not_overwrite_each_other(tiles, tmp_path):
    checkpoint = tmp_path / "search.keras"
    first = AutoencoderColorizer(**TINY, random_state=0, checkpoint_path=checkpoint).fit(tiles)
    written = checkpoint.read_bytes()
    candidate = clone(first).set_params(dropout=0.1)  # what GridSearchCV does
    with pytest.raises(ValueError, match="holds another fit's checkpoint"):
        candidate.fit(tiles)
    assert checkpoint.read_bytes() == written
    # The estimator that wrote it may fit again, and a resumed one continues it.
    first.fit(tiles)
    resumed = AutoencoderColorizer.load(checkpoint).set_params(warm_start=True).fit(tiles)
    assert len(resumed.history_["loss"]) == 2
    (tmp_path / "other.keras").write_text("not a model")  # never replaced either
    with pytest.raises(ValueError, match="another fit's checkpoint"):
        AutoencoderColorizer(**TINY, checkpoint_path=tmp_path / "other.keras").fit(tiles)


# 5. early_stopping is a bool, and its patience is n_iter_no_change.
def test_early_stopping_true_stops_after_n_iter_no_change_epochs(tiles):
    # The seed network (no batch normalisation, whose statistics move without any
    # learning) with too small a rate to move its weights: val_loss never improves.
    model = AutoencoderColorizer(**{**TINY, "epochs": 30, "validation_fraction": 0.25},
                                 architecture="seed", color_space="rgb", latent_dim=8,
                                 optimizer="sgd", learning_rate=1e-12, early_stopping=True,
                                 n_iter_no_change=2, random_state=0)
    model.fit(tiles)  # stops after 1 + 2 epochs
    assert len(model.history_["loss"]) == 3
    with pytest.raises(TypeError, match="'early_stopping' parameter .* one of False, True"):
        AutoencoderColorizer(early_stopping=5).fit(tiles)


def test_early_stopping_of_files_saved_before_the_change_is_translated(tiles, tmp_path):
    model = AutoencoderColorizer(**TINY, random_state=0).fit(tiles)
    model.save(tmp_path / "new.keras")
    old = tmp_path / "old.keras"
    with zipfile.ZipFile(tmp_path / "new.keras") as source, zipfile.ZipFile(old, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "skcolor.json":  # as 8f97ea1 wrote it: a patience or None
                record = json.loads(data)
                del record["params"]["n_iter_no_change"], record["params"]["callbacks"]
                record["params"]["early_stopping"] = 4
                data = json.dumps(record)
            target.writestr(item, data)
    loaded = AutoencoderColorizer.load(old)
    assert (loaded.early_stopping, loaded.n_iter_no_change) == (True, 4)


# 6. Our parameter table does not take scikit-learn's private names.
def test_parameter_validation_does_not_shadow_scikit_learns_names():
    assert "_parameter_constraints" not in vars(AutoencoderColorizer)
    assert AutoencoderColorizer._validate_params is BaseEstimator._validate_params
    with pytest.raises(ValueError, match="'epochs' parameter of AutoencoderColorizer"):
        AutoencoderColorizer(epochs=0).fit(np.zeros((2, 32, 32, 3), np.uint8))


# 7. The shipped model's record says what it is.
def test_the_shipped_model_record_matches_the_model():
    from skcolor._pretrained import PRETRAINED_MODELS

    with zipfile.ZipFile(PRETRAINED_MODELS["cifar10"]) as archive:
        record = json.loads(archive.read("skcolor.json"))
    assert "fitted_params" in record  # no shim needed to warm-start it
    training_record = json.loads(PRETRAINED_MODELS["cifar10"].with_suffix(".json").read_text())
    assert training_record["params"]["working_size"] == record["params"]["working_size"] == 64


# The public callbacks parameter: copies per fit, originals untouched.
class EpochCounter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1


def test_callbacks_are_copied_for_each_fit(tiles):
    counter = EpochCounter()
    model = AutoencoderColorizer(**{**TINY, "epochs": 2}, callbacks=[counter], random_state=0)
    model.fit(tiles)
    assert counter.epochs == 0 and model.callbacks[0] is counter
    assert model.callbacks_[0].epochs == 2 and model.callbacks_[0] is not counter
    model.fit(tiles)
    assert model.callbacks_[0].epochs == 2  # a fresh copy
    assert clone(model).get_params()["callbacks"][0].epochs == 0
    with pytest.raises(TypeError, match="'callbacks' parameter .* list of keras.callbacks"):
        AutoencoderColorizer(callbacks=EpochCounter()).fit(tiles)


# The library does not use the command line.
def test_the_library_batch_path_raises_library_errors_and_never_imports_the_cli(tmp_path):
    import subprocess

    code = ("import sys, skcolor, skcolor.parallel, skcolor.batch, skcolor.serve, skcolor.plotting\n"
            "assert not [m for m in sys.modules if m.startswith('skcolor.cli')]\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)
    from skcolor.batch import load_colorizer

    with pytest.raises(FileNotFoundError, match="no such model file"):
        load_colorizer(tmp_path / "missing.keras")
