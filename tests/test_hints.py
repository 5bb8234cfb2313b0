"""Color hints: simulating and building them, a hint-aware model, routing, the command line."""

import numpy as np
import pytest
import sklearn
from sklearn.pipeline import Pipeline

from skcolor import AutoencoderColorizer, GrayscaleToRGB, RGBToGrayscale
from skcolor.color import COLOR_SPACES, rgb_to_gray
from skcolor._colorizer._hint_inputs import network_hint_channels
from skcolor.hints import from_points, simulate_hints
from skcolor.io import read_image, write_image
from skcolor.metrics import luminance_psnr


@pytest.fixture(scope="module")
def hint_model(cifar_train):
    """A tiny hint-aware U-Net whose hint weights are jolted away from their trained
    values, so that its output clearly depends on the hints (it is not a good
    colorizer: these tests are about the plumbing)."""
    model = AutoencoderColorizer(hints=True, filters=(8, 16), epochs=1, validation_fraction=0,
                                 working_size=32, random_state=0).fit(cifar_train[:64])
    stem = model.model_.get_layer("stem_conv")
    kernel = stem.get_weights()[0]
    kernel[:, :, 1:, :] = np.random.default_rng(0).normal(0, 2.0, kernel[:, :, 1:, :].shape)
    stem.set_weights([kernel])
    return model


@pytest.fixture(scope="module")
def photo():
    import skimage.data

    return skimage.data.astronaut()[::4, ::4]  # 128×128, a real photo


def test_simulated_hints_carry_the_patch_colors_and_repeat_with_a_seed(cifar_train):
    rgb = cifar_train[:6]
    hints = simulate_hints(rgb, n_points=4, max_patch=1, random_state=3)
    assert hints.shape == (6, 32, 32, 4) and hints.dtype == np.uint8
    mask = hints[..., 3] > 0
    assert (mask.reshape(6, -1).sum(axis=1) <= 4).all() and mask.any()
    # A 1-pixel patch carries that pixel's true color.
    np.testing.assert_array_equal(hints[..., :3][mask], rgb[mask])
    np.testing.assert_array_equal(hints, simulate_hints(rgb, n_points=4, max_patch=1,
                                                        random_state=3))
    assert not np.array_equal(hints, simulate_hints(rgb, n_points=4, max_patch=1,
                                                    random_state=4))
    assert not simulate_hints(rgb, n_points=0, random_state=0).any()
    drawn = simulate_hints(np.repeat(rgb, 20, axis=0), random_state=0)  # as training draws
    counts = (drawn[..., 3] > 0).reshape(len(drawn), -1).sum(axis=1)
    assert (counts == 0).mean() > 0.1 and counts.max() > 25  # often none, sometimes many


def test_from_points_paints_discs_of_the_given_colors():
    hints = from_points((6, 7), [(1, 1, "#ff0000"), (4, 5, "white")], radius=1)
    expected = np.zeros((6, 7, 4), np.uint8)
    for row, col, color in ((1, 1, (255, 0, 0)), (4, 5, (255, 255, 255))):
        for dr, dc in ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)):
            expected[row + dr, col + dc] = (*color, 255)
    np.testing.assert_array_equal(hints, expected)
    with pytest.raises(ValueError, match="not a color"):
        from_points((6, 7), [(1, 1, "reddish")])
    with pytest.raises(ValueError, match="outside"):
        from_points((6, 7), [(6, 1, "red")])
    for row in ("1", 1.5, True):  # e.g. from JSON or a text field
        with pytest.raises(ValueError, match="whole-number pixel coordinates"):
            from_points((6, 7), [(row, 1, "red")])
    assert from_points((6, 7), [(np.int64(1), 1, "red")], radius=0)[1, 1, 3] == 255
    with pytest.raises(TypeError, match="'radius' parameter of from_points"):
        from_points((6, 7), [], radius=1.5)


def test_a_small_hint_marks_its_working_size_pixel_with_its_chroma():
    hints = from_points((64, 64), [(10, 20, "#cc2222")], radius=0)
    channels = network_hint_channels(hints, (16, 16), COLOR_SPACES["ycbcr"])
    assert channels.shape == (16, 16, 3)
    assert channels[..., 2].sum() == 1 and channels[10 // 4, 20 // 4, 2] == 1
    expected = COLOR_SPACES["ycbcr"].encode(np.array([[[[0xcc, 0x22, 0x22]]]], np.uint8))[0, 0, 0]
    np.testing.assert_allclose(channels[2, 5, :2], (expected - 0.5) * 5, atol=1e-5)
    assert not network_hint_channels(None, (16, 16), COLOR_SPACES["ycbcr"]).any()


def test_the_output_follows_the_hints_and_is_automatic_without_them(hint_model, photo):
    gray = rgb_to_gray(photo[np.newaxis])
    automatic = hint_model.predict(gray)
    np.testing.assert_array_equal(hint_model.predict(gray, hints=[None]), automatic)
    transparent = np.zeros((1, *photo.shape[:2], 4), np.uint8)
    np.testing.assert_array_equal(hint_model.predict(gray, hints=transparent), automatic)
    hints = from_points(photo.shape, [(30, 30, "red"), (100, 90, "blue")], radius=3)
    hinted = hint_model.predict(gray, hints=hints[np.newaxis])
    change = np.abs(hinted.astype(int) - automatic).sum(axis=-1)[0]
    assert change[20:40, 20:40].mean() > 10  # levels of 0-255, summed over R, G, B
    # The luminance stays the input's, hints or not (out-of-gamut colors aside).
    assert luminance_psnr(gray, hinted) > 30
    # A list takes images of different sizes, each with its own hints or None.
    outputs = hint_model.predict([gray[0], gray[0, :64, :100]], hints=[hints, None])
    np.testing.assert_array_equal(outputs[0], hinted[0])
    np.testing.assert_array_equal(outputs[1], hint_model.predict([gray[0, :64, :100]])[0])


def test_hint_mistakes_are_clear(hint_model, photo, cifar_train):
    gray = rgb_to_gray(photo[np.newaxis])
    with pytest.raises(ValueError, match=r"hints\[0\] is 64×64; it must be the size"):
        hint_model.predict(gray, hints=np.zeros((1, 64, 64, 4), np.uint8))
    with pytest.raises(ValueError, match="RGBA"):
        hint_model.predict(gray, hints=np.zeros((1, 128, 128, 3), np.uint8))
    with pytest.raises(ValueError, match="one per gray image"):
        hint_model.predict(gray, hints=np.zeros((2, 128, 128, 4), np.uint8))
    plain = AutoencoderColorizer(filters=(8, 16), epochs=1, random_state=0).fit(cifar_train[:16])
    with pytest.raises(ValueError, match="fitted without them"):
        plain.predict(gray, hints=np.zeros((1, 128, 128, 4), np.uint8))
    with pytest.raises(ValueError, match="hints=True .* color space that keeps the luminance"):
        AutoencoderColorizer(hints=True, color_space="rgb").fit(cifar_train[:16])


def test_hints_are_routed_through_a_pipeline(hint_model, photo):
    rgb = photo[np.newaxis]
    hints = from_points(photo.shape, [(30, 30, "red")], radius=3)[np.newaxis]
    expected = hint_model.predict(rgb_to_gray(rgb), hints=hints)
    with sklearn.config_context(enable_metadata_routing=True):
        colorize = GrayscaleToRGB(hint_model).set_transform_request(hints=True)
        pipe = Pipeline([("gray", RGBToGrayscale()), ("color", colorize)])
        np.testing.assert_array_equal(pipe.transform(rgb, hints=hints), expected)
        final = Pipeline([("gray", RGBToGrayscale()),
                          ("model", hint_model.set_predict_request(hints=True))])
        np.testing.assert_array_equal(final.predict(rgb, hints=hints), expected)
    assert not np.array_equal(expected, hint_model.predict(rgb_to_gray(rgb)))


def test_a_hint_aware_model_saves_and_loads_with_its_hints(hint_model, photo, tmp_path):
    hint_model.save(tmp_path / "hints.keras")
    loaded = AutoencoderColorizer.load(tmp_path / "hints.keras")
    gray = rgb_to_gray(photo[np.newaxis])
    hints = from_points(photo.shape, [(30, 30, "red")], radius=3)[np.newaxis]
    assert loaded.hints and loaded.input_shape_ == (None, None, 4)
    np.testing.assert_array_equal(loaded.predict(gray, hints=hints),
                                  hint_model.predict(gray, hints=hints))


def test_the_command_takes_a_hint_file_and_points(hint_model, photo, tmp_path, run_cli):
    model = tmp_path / "hints.keras"
    hint_model.save(model)
    source = tmp_path / "photo.png"
    write_image(source, rgb_to_gray(photo[np.newaxis])[0])
    hints = from_points(photo.shape, [(30, 30, "red")])  # the radius --hint paints
    write_image(tmp_path / "hints.png", hints)

    status, _, err = run_cli("colorize", source, "-o", tmp_path / "plain", "--model", model)
    assert status == 0, err
    status, _, err = run_cli("colorize", source, "-o", tmp_path / "file", "--model", model,
                             "--hints", tmp_path / "hints.png")
    assert status == 0, err
    status, _, err = run_cli("colorize", source, "-o", tmp_path / "point", "--model", model,
                             "--hint", "30,30=red")
    assert status == 0, err
    plain, from_file, from_point = (read_image(tmp_path / name / "photo.png")
                                    for name in ("plain", "file", "point"))
    gray = rgb_to_gray(photo[np.newaxis])
    np.testing.assert_array_equal(from_file, hint_model.predict(gray, hints=hints[None])[0])
    np.testing.assert_array_equal(from_point, from_file)  # the same disc, painted alike
    assert not np.array_equal(from_file, plain)


@pytest.mark.parametrize("extra, message", [
    (["--hint", "30,30=reddish"], "'reddish' is not a color"),
    (["--hint", "30=red"], "expected ROW,COL=COLOR"),
    (["--hint", "500,30=red"], "outside the 128×128 photo"),
    (["--hints", "{rgb}"], "has no alpha channel"),
    (["--hints", "{small}"], "must be the photo's size, 128×128"),
])
def test_command_hint_mistakes_are_usage_errors(photo, tmp_path, run_cli, extra, message):
    source = tmp_path / "photo.png"
    write_image(source, photo)
    write_image(tmp_path / "rgb.png", photo)
    write_image(tmp_path / "small.png", np.zeros((10, 10, 4), np.uint8))
    extra = [arg.format(rgb=tmp_path / "rgb.png", small=tmp_path / "small.png") for arg in extra]
    status, _, err = run_cli("colorize", source, "-o", tmp_path / "out", *extra)
    assert status == 2 and message in err, err
    assert not (tmp_path / "out").exists()


def test_command_hints_need_one_photo_and_a_hint_aware_model(photo, tmp_path, run_cli,
                                                             cifar_train, monkeypatch):
    write_image(tmp_path / "a.png", photo)
    status, _, err = run_cli("colorize", tmp_path, "-o", tmp_path / "out", "--hint", "1,1=red")
    assert status == 2 and "exactly one input photo" in err
    plain = tmp_path / "plain.keras"
    AutoencoderColorizer(filters=(8, 16), epochs=1, random_state=0).fit(cifar_train[:16]).save(plain)
    status, _, err = run_cli("colorize", tmp_path / "a.png", "-o", tmp_path / "out2",
                             "--model", plain, "--hint", "1,1=red")
    assert status == 2 and "trained without hints" in err
    from skcolor import _pretrained

    monkeypatch.setitem(_pretrained.PRETRAINED_MODELS, "photos-hints", tmp_path / "none.keras")
    status, _, err = run_cli("colorize", tmp_path / "a.png", "-o", tmp_path / "out3",
                             "--hint", "1,1=red")
    assert status == 2 and "need a model trained with hints=True: pass --model PATH" in err


def test_the_shipped_hint_model_recolors_the_hinted_region_and_stops_at_its_edges(photos_dir):
    """One blue hint on the light wall behind a person: the wall turns blue, the face
    and the dark wall beside it keep their automatic colors."""
    from skcolor import load_pretrained
    from skcolor.color import rgb_to_ycbcr

    model = load_pretrained("photos-hints")
    photo = read_image(photos_dir / "4.1.01.png")  # 256×256: a woman, a light and a dark wall
    gray = rgb_to_gray(photo[np.newaxis])
    automatic = model.predict(gray)
    hints = from_points(photo.shape, [(130, 228, "#3050d0")], radius=3)
    hinted = model.predict(gray, hints=hints[np.newaxis])
    change = np.abs(rgb_to_ycbcr(hinted)[0, ..., 1:] - rgb_to_ycbcr(automatic)[0, ..., 1:])
    change = change.astype(np.float64).sum(axis=-1) * 255  # Cb + Cr change, 0-255 levels
    light_wall = change[80:190, 205:250].mean()
    face, dark_wall = change[100:160, 95:155].mean(), change[10:150, 5:55].mean()
    # Measured with the shipped model: light wall 95.4, face 40.0, dark wall 11.4 (some
    # of the blue reaches the face; most stays on the wall). A hint spread evenly over
    # the photo would change all three alike.
    assert light_wall > 60
    assert light_wall > 2 * max(face, dark_wall)
