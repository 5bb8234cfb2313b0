"""Tests for skcolor.io and skcolor.datasets, on real images from tests/data.

Everything written goes to pytest's tmp_path: tests/data is read-only.
"""

import os
import pickle
import shutil
import subprocess
import sys
import tarfile

import numpy as np
import pytest

from skcolor._image import resize_batch
from skcolor.datasets import CIFAR10_CLASSES, load_cifar10, load_image_folder
from skcolor.io import read_image, write_image

# --- fixtures and helpers ----------------------------------------------------------


@pytest.fixture(scope="module")
def cifar_sample(data_dir):
    """12 real CIFAR-10 test images (class 0-9, then two more) and their labels."""
    data = load_image_folder(data_dir / "cifar10" / "test", max_per_class=2)
    order = np.r_[0:20:2, 1, 3]  # one image of each class first
    return data.images[order], data.target[order]


def _write_batches(folder, images, labels, *, protocol=2):
    """Write images as the official python-version batches: 5 training + 1 test.

    The official files are Python 2 pickles (protocol 2) with byte-string keys and
    rows of 1024 R, 1024 G, 1024 B values. Returns the expected load_cifar10 output.
    """
    folder.mkdir(parents=True)
    rows = images.transpose(0, 3, 1, 2).reshape(len(images), -1)
    parts = np.array_split(np.arange(len(images)), 6)
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for name, part in zip(names, parts):
        batch = {
            b"batch_label": name.encode(),
            b"labels": labels[part].tolist(),
            b"data": rows[part],
            b"filenames": [f"{i}.png".encode() for i in part],
        }
        with open(folder / name, "wb") as file:
            pickle.dump(batch, file, protocol=protocol)
    train = np.concatenate(parts[:5])
    return (
        (images[train], labels[train].astype(np.uint8).reshape(-1, 1)),
        (images[parts[5]], labels[parts[5]].astype(np.uint8).reshape(-1, 1)),
    )


def _assert_same_cifar(result, expected):
    for (X, y), (X_expected, y_expected) in zip(result, expected):
        assert X.dtype == np.uint8 and X.shape[1:] == (32, 32, 3) and X.flags.c_contiguous
        assert y.dtype == np.uint8 and y.shape == (len(X), 1)
        np.testing.assert_array_equal(X, X_expected)
        np.testing.assert_array_equal(y, y_expected)


class _RunsCommand:
    """Pickles as a call to os.system: what a tampered batch file would hold."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


# --- io ------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(5, 7, 3), (5, 7, 1), (5, 7)])
def test_write_read_round_trip_png_is_exact(tmp_path, shape):
    image = np.random.default_rng(0).integers(0, 256, size=shape, dtype=np.uint8)
    path = tmp_path / "image.png"
    write_image(path, image)
    mode = "rgb" if image.ndim == 3 and shape[-1] == 3 else "gray"
    back = read_image(path, mode=mode)
    assert back.dtype == np.uint8
    np.testing.assert_array_equal(back, image.reshape(5, 7, -1))
    assert os.listdir(tmp_path) == ["image.png"]  # no temporary file left behind


def test_read_image_real_photo_in_rgb_order(data_dir, tmp_path):
    photo = read_image(data_dir / "photos" / "4.1.01.png")
    assert photo.shape == (256, 256, 3) and photo.dtype == np.uint8
    # Non-ASCII file name; writing replaces an existing file.
    path = tmp_path / "фото été.png"
    write_image(path, np.zeros((2, 2, 3), np.uint8))
    write_image(path, photo)
    np.testing.assert_array_equal(read_image(path), photo)
    # A pure-red pixel stays red (R first), not blue.
    write_image(path, np.full((1, 1, 3), [255, 0, 0], np.uint8))
    assert read_image(path)[0, 0].tolist() == [255, 0, 0]
    assert read_image(path, mode="gray").shape == (1, 1, 1)


def test_write_image_float_is_rounded_to_8_bits(tmp_path):
    path = tmp_path / "float.png"
    write_image(path, np.full((2, 2, 3), 0.5, np.float32))
    assert read_image(path)[0, 0].tolist() == [128, 128, 128]


def test_read_image_16_bit_is_scaled_to_8_bits(tmp_path):
    import cv2

    path = tmp_path / "deep.png"
    cv2.imwrite(str(path), np.full((2, 2), 65535, np.uint16))
    image = read_image(path)
    assert image.dtype == np.uint8 and image.max() == 255


@pytest.mark.parametrize("content", [b"not an image at all", b""])
def test_read_image_refuses_non_images_naming_the_file(tmp_path, content):
    path = tmp_path / "fake.jpg"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="fake.jpg"):
        read_image(path)


def test_read_image_missing_file_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.png"):
        read_image(tmp_path / "missing.png")


def test_io_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="mode"):
        read_image(tmp_path / "x.png", mode="lab")
    with pytest.raises(ValueError, match="suffix"):
        write_image(tmp_path / "image.gif", np.zeros((2, 2, 3), np.uint8))
    with pytest.raises(ValueError, match="channel"):
        write_image(tmp_path / "image.png", np.zeros((2, 2, 2), np.uint8))
    with pytest.raises(ValueError, match="JPEG has no alpha channel"):
        write_image(tmp_path / "image.jpg", np.zeros((2, 2, 4), np.uint8))
    with pytest.raises(FileNotFoundError, match="no_such_folder"):
        write_image(tmp_path / "no_such_folder" / "image.png", np.zeros((2, 2, 3), np.uint8))
    assert os.listdir(tmp_path) == []


def test_rgba_images_round_trip_and_rgba_mode_needs_an_alpha_channel(tmp_path, photos_dir):
    rgba = np.zeros((5, 7, 4), np.uint8)
    rgba[1:3, 2:5] = (200, 30, 40, 255)
    rgba[4, 6] = (1, 2, 3, 128)
    write_image(tmp_path / "hints.png", rgba)
    np.testing.assert_array_equal(read_image(tmp_path / "hints.png", mode="rgba"), rgba)
    np.testing.assert_array_equal(read_image(tmp_path / "hints.png"), rgba[..., :3])
    with pytest.raises(ValueError, match="has no alpha channel"):
        read_image(photos_dir / "4.1.01.png", mode="rgba")


def test_io_and_datasets_do_not_import_keras():
    code = (
        "import sys, skcolor.io, skcolor.datasets; "
        "sys.exit(any(m in sys.modules for m in ('keras', 'tensorflow')))"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# --- load_image_folder -----------------------------------------------------------------


def test_load_image_folder_real_subset(data_dir):
    folder = data_dir / "cifar10" / "test"
    data = load_image_folder(folder, max_per_class=3)
    assert data.images.shape == (30, 32, 32, 3) and data.images.dtype == np.uint8
    assert data.target.dtype == np.int64
    np.testing.assert_array_equal(data.target, np.repeat(np.arange(10), 3))
    assert data.target_names == list(CIFAR10_CLASSES)
    first_airplanes = sorted(os.listdir(folder / "airplane"))[:3]
    assert data.filenames[:3] == [str(folder / "airplane" / name) for name in first_airplanes]
    np.testing.assert_array_equal(data.images[4], read_image(data.filenames[4]))

    again = load_image_folder(folder, max_per_class=3)
    np.testing.assert_array_equal(again.images, data.images)
    assert again.filenames == data.filenames


@pytest.fixture
def mixed_size_folder(data_dir, tmp_path):
    """Two classes of real photos: 256x256 and 340x512, plus files to be ignored."""
    for name, photo in [("a", "4.1.01.png"), ("b", "sunhays80_img_027_SRF_8_HR.jpg")]:
        (tmp_path / name).mkdir()
        shutil.copy(data_dir / "photos" / photo, tmp_path / name / photo.upper())
    (tmp_path / "a" / "notes.txt").write_text("not an image")
    (tmp_path / ".hidden").mkdir()
    return tmp_path


def test_load_image_folder_different_sizes_need_size(mixed_size_folder):
    with pytest.raises(ValueError, match=r"256x256.*340x512.*size=\(height, width\)"):
        load_image_folder(mixed_size_folder)


def test_load_image_folder_resizes_to_size(mixed_size_folder, data_dir):
    data = load_image_folder(mixed_size_folder, size=(64, 48))
    assert data.images.shape == (2, 64, 48, 3)
    assert data.target.tolist() == [0, 1] and data.target_names == ["a", "b"]
    house = read_image(data_dir / "photos" / "sunhays80_img_027_SRF_8_HR.jpg")
    np.testing.assert_array_equal(data.images[1], resize_batch(house[np.newaxis], (64, 48))[0])


def test_load_image_folder_errors(tmp_path, mixed_size_folder):
    with pytest.raises(ValueError, match="not a folder"):
        load_image_folder(tmp_path / "nowhere")
    empty = tmp_path / "empty"
    (empty / "class").mkdir(parents=True)
    with pytest.raises(ValueError, match="No image files"):
        load_image_folder(empty)
    with pytest.raises(ValueError, match="size"):
        load_image_folder(mixed_size_folder, size=(32,))
    with pytest.raises(ValueError, match="max_per_class"):
        load_image_folder(mixed_size_folder, max_per_class=0)
    (mixed_size_folder / "a" / "broken.png").write_bytes(b"text")
    with pytest.raises(ValueError, match="broken.png"):
        load_image_folder(mixed_size_folder, size=(8, 8))


# --- load_cifar10 ----------------------------------------------------------------------


@pytest.mark.parametrize("protocol", [2, pickle.DEFAULT_PROTOCOL, 5])
def test_load_cifar10_batch_folder(tmp_path, cifar_sample, protocol):
    batch_folder = tmp_path / "cifar-10-batches-py"
    expected = _write_batches(batch_folder, *cifar_sample, protocol=protocol)
    _assert_same_cifar(load_cifar10(batch_folder), expected)
    _assert_same_cifar(load_cifar10(tmp_path), expected)  # the folder that contains it


def test_load_cifar10_archive(tmp_path, cifar_sample):
    expected = _write_batches(tmp_path / "batches", *cifar_sample)
    archive = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "batches", arcname="cifar-10-batches-py")
    _assert_same_cifar(load_cifar10(archive), expected)


def test_load_cifar10_refuses_code_in_pickles(tmp_path, cifar_sample):
    folder = tmp_path / "cifar-10-batches-py"
    _write_batches(folder, *cifar_sample)
    marker = tmp_path / "executed"
    with open(folder / "test_batch", "wb") as file:
        pickle.dump({b"data": _RunsCommand(f"touch '{marker}'"), b"labels": [0]}, file)
    with pytest.raises(ValueError, match="not a CIFAR-10 batch"):
        load_cifar10(folder)
    assert not marker.exists()


def test_load_cifar10_refuses_wrong_batches(tmp_path, cifar_sample):
    folder = tmp_path / "cifar-10-batches-py"
    _write_batches(folder, *cifar_sample)
    with open(folder / "data_batch_3", "wb") as file:
        pickle.dump({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]}, file)
    with pytest.raises(ValueError, match="data_batch_3 is not a CIFAR-10 batch"):
        load_cifar10(folder)
    (folder / "data_batch_3").unlink()
    with pytest.raises(ValueError, match="lacks the CIFAR-10 batch.*data_batch_3"):
        load_cifar10(folder)


def test_load_cifar10_image_folder(data_dir, tmp_path):
    source = data_dir / "cifar10"
    for split, per_class in [("train", 2), ("test", 1)]:
        for name in CIFAR10_CLASSES:
            (tmp_path / split / name).mkdir(parents=True)
            for file in sorted(os.listdir(source / split / name))[:per_class]:
                shutil.copy(source / split / name / file, tmp_path / split / name / file)
    (X_train, y_train), (X_test, y_test) = load_cifar10(tmp_path)
    assert X_train.shape == (20, 32, 32, 3) and X_test.shape == (10, 32, 32, 3)
    assert y_train.dtype == np.uint8 and y_train.shape == (20, 1)
    np.testing.assert_array_equal(y_train.ravel(), np.repeat(np.arange(10), 2))
    np.testing.assert_array_equal(y_test.ravel(), np.arange(10))
    expected = load_image_folder(source / "train", max_per_class=2).images
    np.testing.assert_array_equal(X_train, expected)

    shutil.rmtree(tmp_path / "test" / "truck")
    with pytest.raises(ValueError, match="class folders"):
        load_cifar10(tmp_path)


def test_load_cifar10_unrecognised_paths(tmp_path):
    with pytest.raises(ValueError, match="no such file or folder.*cifar-10-batches-py"):
        load_cifar10(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="none of the CIFAR-10 files"):
        load_cifar10(tmp_path)
    text = tmp_path / "cifar-10-python.tar.gz"
    text.write_text("not an archive")
    with pytest.raises(ValueError, match="not a tar archive"):
        load_cifar10(text)
