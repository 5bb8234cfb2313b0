"""``AutoencoderColorizer.load`` and ``load_pretrained`` on hostile and broken files.

Each file is made from a real saved model (or a real Keras model), changed the way
a download, a disk or an attacker would change it.
"""

import json
import zipfile

import keras
import numpy as np
import pytest

import skcolor
from skcolor import AutoencoderColorizer
from skcolor._colorizer._model_file import _PARAMS_ENTRY, _SAVE_FORMAT

SMALL = dict(architecture="seed", color_space="rgb", filters=(8, 16), latent_dim=32,
             epochs=1, batch_size=16, random_state=0)


@pytest.fixture(scope="module")
def saved(cifar_train, tmp_path_factory):
    """A real fitted model saved by skcolor."""
    path = tmp_path_factory.mktemp("saved") / "colorizer.keras"
    AutoencoderColorizer(**SMALL).fit(cifar_train[:48]).save(path)
    return path


def members_of(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_archive(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def with_record(saved, path, **changes):
    """A copy of ``saved`` whose skcolor.json has ``changes`` applied."""
    members = members_of(saved)
    record = json.loads(members[_PARAMS_ENTRY])
    record.update(changes)
    members[_PARAMS_ENTRY] = json.dumps(record)
    return write_archive(path, members)


def test_a_saved_model_loads_and_keeps_its_history(saved):
    loaded = AutoencoderColorizer.load(saved)
    assert len(loaded.history_["loss"]) == 1 and loaded.input_shape_ == (32, 32, 1)


def test_a_newer_save_format_is_refused_naming_both_versions(saved, tmp_path):
    newer = with_record(saved, tmp_path / "newer.keras", format=_SAVE_FORMAT + 1,
                        skcolor_version="9.0.0")
    message = (rf"saved by skcolor 9\.0\.0 in save format {_SAVE_FORMAT + 1}; this skcolor "
               rf"{skcolor.__version__} reads format {_SAVE_FORMAT}: upgrade skcolor")
    with pytest.raises(ValueError, match=message):
        AutoencoderColorizer.load(newer)


def test_an_older_save_format_is_refused_naming_both_versions(saved, tmp_path):
    older = with_record(saved, tmp_path / "older.keras", format=0, skcolor_version="0.0.1")
    with pytest.raises(ValueError, match=r"skcolor 0\.0\.1 in save format 0.*load it with skcolor 0\.0\.1"):
        AutoencoderColorizer.load(older)


def test_parameters_from_a_newer_skcolor_are_refused(saved, tmp_path):
    record = json.loads(members_of(saved)[_PARAMS_ENTRY])
    params = {**record["params"], "sharpness": 2}
    newer = with_record(saved, tmp_path / "newer.keras", params=params, skcolor_version="0.3.0")
    with pytest.raises(ValueError, match=r"skcolor 0\.3\.0 with parameters .* \(sharpness\)"):
        AutoencoderColorizer.load(newer)


def test_a_damaged_record_is_refused(saved, tmp_path):
    members = members_of(saved)
    members[_PARAMS_ENTRY] = members[_PARAMS_ENTRY][:40]
    with pytest.raises(ValueError, match="record is not a JSON object"):
        AutoencoderColorizer.load(write_archive(tmp_path / "cut-record.keras", members))
    no_history = with_record(saved, tmp_path / "no-history.keras")
    members = members_of(no_history)
    record = json.loads(members[_PARAMS_ENTRY])
    del record["history_"]
    members[_PARAMS_ENTRY] = json.dumps(record)
    with pytest.raises(ValueError, match="damaged: .* has no history_"):
        AutoencoderColorizer.load(write_archive(no_history, members))


def test_lambda_layers_are_refused_without_running_their_code(saved, tmp_path):
    marker = tmp_path / "code-ran"
    # A Python lambda that leaves a file behind when it runs.
    touch = eval(f"lambda x: (__import__('pathlib').Path({str(marker)!r}).touch(), x)[1]")
    inputs = keras.Input((32, 32, 1))
    hostile = keras.Model(inputs, keras.layers.Lambda(touch, name="payload")(inputs))
    path = tmp_path / "hostile.keras"
    hostile.save(path)
    with zipfile.ZipFile(path, "a") as archive:  # a valid skcolor record rides along
        archive.writestr(_PARAMS_ENTRY, members_of(saved)[_PARAMS_ENTRY])
    marker.unlink()  # building the model ran the lambda once

    with pytest.raises(ValueError, match="refused: its model holds Python code .*'payload'"):
        AutoencoderColorizer.load(path)
    assert not marker.exists()
    # The file really carries code: Keras with safe mode off runs it.
    keras.saving.load_model(path, safe_mode=False)
    assert marker.exists()


def test_classes_from_outside_keras_are_refused_by_safe_mode(saved, tmp_path):
    members = members_of(saved)
    config = json.loads(members["config.json"])
    encoder = config["config"]["layers"][1]
    encoder.update(module="subprocess", class_name="Popen", registered_name=None)
    members["config.json"] = json.dumps(config)
    with pytest.raises(ValueError, match="Keras could not load the model .* in safe mode"):
        AutoencoderColorizer.load(write_archive(tmp_path / "foreign.keras", members))


@pytest.mark.parametrize("keep", [0, 0.5, -1], ids=["empty", "half", "last-byte-missing"])
def test_truncated_files_are_refused(saved, tmp_path, keep):
    data = saved.read_bytes()
    cut = tmp_path / "cut.keras"
    cut.write_bytes(data[:int(len(data) * keep) if keep >= 0 else keep])
    with pytest.raises(ValueError, match="not a complete zip archive"):
        AutoencoderColorizer.load(cut)


def test_corrupt_weights_are_refused(saved, tmp_path):
    data = bytearray(saved.read_bytes())
    with zipfile.ZipFile(saved) as archive:
        info = archive.getinfo("model.weights.h5")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF  # one flipped byte inside the weights
    corrupt = tmp_path / "corrupt.keras"
    corrupt.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="damaged: its member 'model.weights.h5' fails its checksum"):
        AutoencoderColorizer.load(corrupt)


def test_a_decompression_bomb_is_refused_before_it_is_unpacked(saved, tmp_path, monkeypatch):
    # A member of zeros that unpacks to 1,000 times its stored size. The real limit
    # is 2 GiB; lowering it keeps the test small while exercising the same check.
    import skcolor._colorizer._model_file

    members = members_of(saved)
    members["assets/padding.bin"] = bytes(4_000_000)
    bomb = tmp_path / "bomb.keras"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert bomb.stat().st_size < 1_000_000
    monkeypatch.setattr(skcolor._colorizer._model_file, "MAX_MODEL_BYTES", 2_000_000)

    def never(*args, **kwargs):
        raise AssertionError("the archive was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "testzip", never)
    with pytest.raises(ValueError, match=r"unpack to 4,\d{3},\d{3} bytes, more than the limit "
                                         r"\(2,000,000\).*decompression bomb"):
        AutoencoderColorizer.load(bomb)


def test_missing_paths_folders_and_other_archives_are_refused(saved, tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.keras: no such model file"):
        AutoencoderColorizer.load(tmp_path / "missing.keras")
    folder = tmp_path / "folder.keras"
    folder.mkdir()
    with pytest.raises(ValueError, match="folder.keras: a folder, not a model file"):
        AutoencoderColorizer.load(folder)
    other_zip = write_archive(tmp_path / "notes.keras", {"notes.txt": b"hello"})
    with pytest.raises(ValueError, match="not a skcolor model .*: it has no skcolor.json"):
        AutoencoderColorizer.load(other_zip)
    plain = {name: data for name, data in members_of(saved).items() if name != _PARAMS_ENTRY}
    with pytest.raises(ValueError, match="plain Keras model: load it with keras.saving.load_model"):
        AutoencoderColorizer.load(write_archive(tmp_path / "plain.keras", plain))


def test_load_pretrained_goes_through_the_same_checks(saved, tmp_path, monkeypatch):
    newer = with_record(saved, tmp_path / "default.keras", format=_SAVE_FORMAT + 1)
    monkeypatch.setitem(skcolor._pretrained.PRETRAINED_MODELS, "photos", newer)
    with pytest.raises(ValueError, match="upgrade skcolor"):
        skcolor.load_pretrained()


def test_save_and_load_keep_the_training_parameters(saved, cifar_train, tmp_path):
    loaded = AutoencoderColorizer.load(saved)
    loaded.set_params(warm_start=True, checkpoint_path=tmp_path / "next.keras")
    path = tmp_path / "again.keras"
    loaded.save(path)
    again = AutoencoderColorizer.load(path)
    assert again.get_params()["warm_start"] is True
    assert again.get_params()["checkpoint_path"] == str(tmp_path / "next.keras")
    gray = skcolor.RGBToGrayscale().transform(cifar_train[:4])
    np.testing.assert_array_equal(again.predict(gray), loaded.predict(gray))
