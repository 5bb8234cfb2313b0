"""``sample_photo_crops`` and ``skcolor train`` on a flat folder of photos.

Real photos only: scikit-image's bundled natural photos, written to tmp_path.
"""

import tracemalloc

import numpy as np
import pytest
import skimage.data

from skcolor import AutoencoderColorizer
from skcolor._image import resize_batch
from skcolor.cli import main
from skcolor.datasets import sample_photo_crops
from skcolor.io import read_image, write_image

PHOTOS = {
    "astronaut": skimage.data.astronaut,  # 512×512
    "chelsea": skimage.data.chelsea,  # 451×300
    "coffee": skimage.data.coffee,  # 600×400
    "rocket": skimage.data.rocket,  # 640×427
}


@pytest.fixture(scope="module")
def photo_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("photos")
    for name, load in PHOTOS.items():
        write_image(folder / f"{name}.png", load())
    return folder


def test_crops_have_the_asked_shape_and_dtype(photo_folder):
    crops = sample_photo_crops(photo_folder, crop_size=48, crops_per_photo=5, random_state=0)
    assert crops.shape == (4 * 5, 48, 48, 3) and crops.dtype == np.uint8
    # Real photo content, not blank: every crop varies, and each photo gives different crops.
    assert all(crop.std() > 5 for crop in crops)
    assert not np.array_equal(crops[0], crops[1])


def test_crops_are_repeatable_with_random_state(photo_folder):
    first = sample_photo_crops(photo_folder, crop_size=32, crops_per_photo=3, random_state=7)
    again = sample_photo_crops(photo_folder, crop_size=32, crops_per_photo=3, random_state=7)
    other = sample_photo_crops(photo_folder, crop_size=32, crops_per_photo=3, random_state=8)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_a_list_of_files_is_a_folder_in_that_order(photo_folder):
    files = sorted(photo_folder.iterdir())
    from_folder = sample_photo_crops(photo_folder, crop_size=16, crops_per_photo=2, random_state=0)
    from_list = sample_photo_crops(files, crop_size=16, crops_per_photo=2, random_state=0)
    np.testing.assert_array_equal(from_folder, from_list)


def test_whole_photo_views_are_the_photo_shrunk(tmp_path):
    photo = skimage.data.astronaut()  # square: the whole photo is one crop at scale 1
    write_image(tmp_path / "astronaut.png", photo)
    crops = sample_photo_crops(tmp_path, crop_size=64, crops_per_photo=2, scale=(1, 1),
                               flip=False, random_state=0)
    expected = resize_batch(photo[np.newaxis], (64, 64))[0]
    np.testing.assert_array_equal(crops[0], expected)
    np.testing.assert_array_equal(crops[1], expected)
    flipped = sample_photo_crops(tmp_path, crop_size=64, crops_per_photo=16, scale=(1, 1),
                                 random_state=0)
    mirrored = [np.array_equal(crop, expected[:, ::-1]) for crop in flipped]
    kept = [np.array_equal(crop, expected) for crop in flipped]
    assert all(m or k for m, k in zip(mirrored, kept)) and any(mirrored) and any(kept)


def test_small_crops_show_detail_at_full_resolution(tmp_path):
    photo = skimage.data.coffee()  # 400×600: a 40-pixel crop at scale 0.1
    write_image(tmp_path / "coffee.png", photo)
    crops = sample_photo_crops(tmp_path, crop_size=40, crops_per_photo=4, scale=(0.1, 0.1),
                               flip=False, random_state=0)
    for crop in crops:  # each is a 40×40 window of the photo, copied unchanged
        hits = np.argwhere(np.all(photo[:-39, :-39] == crop[0, 0], axis=-1))
        assert any(np.array_equal(photo[y:y + 40, x:x + 40], crop) for y, x in hits)


def test_memory_holds_one_decoded_photo_at_a_time(tmp_path):
    photo = skimage.data.astronaut()
    for i in range(8):
        write_image(tmp_path / f"photo{i}.png", np.roll(photo, 37 * i, axis=1))
    decoded = photo.nbytes  # 786 kB each; 6.3 MB for all eight
    tracemalloc.start()
    try:
        crops = sample_photo_crops(tmp_path, crop_size=16, crops_per_photo=2, random_state=0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert crops.shape == (16, 16, 16, 3)
    # One decoded photo and its file's bytes at a time, never all eight decoded.
    assert peak < 3 * decoded


def test_bad_arguments_are_named(tmp_path, photo_folder):
    with pytest.raises(ValueError, match="holds no image file"):
        sample_photo_crops(tmp_path)
    with pytest.raises(ValueError, match="is not a folder"):
        sample_photo_crops(tmp_path / "missing")
    with pytest.raises(ValueError, match="empty list"):
        sample_photo_crops([])
    with pytest.raises(TypeError, match="folder path or a list"):
        sample_photo_crops(np.zeros((2, 8, 8, 3)))
    # Checked as the estimator's parameters are: a wrong value is a ValueError,
    # a wrong type a TypeError, both naming the parameter and what it accepts.
    with pytest.raises(ValueError, match=r"'crop_size' parameter of sample_photo_crops\(\) "
                                         r"must be an int in \[1, inf\]; got 0"):
        sample_photo_crops(photo_folder, crop_size=0)
    with pytest.raises(TypeError, match="'crops_per_photo' parameter .* got 2.5"):
        sample_photo_crops(photo_folder, crops_per_photo=2.5)
    with pytest.raises(TypeError, match="'random_state' parameter"):
        sample_photo_crops(photo_folder, random_state="seed")
    with pytest.raises(ValueError, match=r"'scale' parameter .* must be a pair \(low, high\) "
                                         r"with low <= high, each a float in \(0, 1\]"):
        sample_photo_crops(photo_folder, scale=(0.5, 1.5))
    with pytest.raises(ValueError, match="'scale' parameter .* got \\(0.8, 0.5\\)"):
        sample_photo_crops(photo_folder, scale=(0.8, 0.5))
    with pytest.raises(TypeError, match="'scale' parameter .* got 0.5"):
        sample_photo_crops(photo_folder, scale=0.5)
    (tmp_path / "broken.jpg").write_bytes(b"not a jpeg")
    with pytest.raises(ValueError, match="broken.jpg"):
        sample_photo_crops(tmp_path)


def test_train_command_trains_on_a_folder_of_photos(photo_folder, tmp_path, capsys):
    model = tmp_path / "photos.keras"
    status = main([
        "train", "--data", str(photo_folder), "--out", str(model), "--crop-size", "32",
        "--crops-per-photo", "6", "--epochs", "1", "--filters", "8,16", "--batch-size", "8",
        "--validation-fraction", "0", "--random-state", "0",
    ])
    out = capsys.readouterr().out
    assert status == 0
    assert f"Training on 24 images of 32x32 from 24 random crops of the photos in {photo_folder}" in out
    fitted = AutoencoderColorizer.load(model)
    assert len(fitted.history_["loss"]) == 1
    gray = read_image(photo_folder / "chelsea.png", mode="gray")[np.newaxis]
    assert fitted.predict(gray).shape == (1, 300, 451, 3)  # full size, any size
