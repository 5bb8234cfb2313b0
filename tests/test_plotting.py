"""skcolor.plotting draws real photos headless and returns Figures, never touching pyplot."""

import sys
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.figure import Figure

from skcolor.color import rgb_to_gray
from skcolor.io import read_image
from skcolor.plotting import plot_colorization_grid, plot_history


@pytest.fixture(scope="module")
def photos(data_dir):
    """Three real photos of different sizes, uint8 RGB."""
    folder = data_dir / "photos"
    return [
        read_image(folder / "4.1.01.png"),  # 256×256
        read_image(folder / "bsds500_189080.jpg")[:200, :150],
        read_image(folder / "sunhays80_img_027_SRF_8_HR.jpg")[100:300],  # 200×512
    ]


def _pyplot_figures():
    pyplot = sys.modules.get("matplotlib.pyplot")
    return [] if pyplot is None else pyplot.get_fignums()


def test_grid_of_differently_sized_photos_has_a_row_per_image(photos, tmp_path):
    before = _pyplot_figures()
    gray = [rgb_to_gray(photo[np.newaxis])[0] for photo in photos]
    predicted = [photo[..., ::-1] for photo in photos]  # any color image of the right size
    fig = plot_colorization_grid(gray, predicted, photos, titles=["a", "b", "c"])
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 9
    assert [ax.get_title() for ax in fig.axes[:3]] == ["gray", "colorized", "true"]
    assert [fig.axes[i].get_ylabel() for i in (0, 3, 6)] == ["a", "b", "c"]
    assert fig.axes[0].images[0].get_cmap().name == "gray"
    fig.savefig(tmp_path / "grid.png")
    saved = read_image(tmp_path / "grid.png")
    assert saved.shape[0] > 100 and saved.shape[1] > 100
    assert _pyplot_figures() == before  # headless: nothing registered with pyplot


def test_grid_of_a_batch_without_true_images_stops_at_max_images(photos, tmp_path):
    batch = np.stack([photo[:128, :128] for photo in photos] * 4)  # 12 images
    fig = plot_colorization_grid(rgb_to_gray(batch)[..., 0] / 255.0, batch, max_images=5)
    assert len(fig.axes) == 10
    assert [ax.get_title() for ax in fig.axes[:2]] == ["gray", "colorized"]
    fig.savefig(tmp_path / "grid.png")
    assert (tmp_path / "grid.png").stat().st_size > 0


def test_grid_rejects_inconsistent_arguments(photos):
    batch = np.stack([photo[:64, :64] for photo in photos])
    gray = rgb_to_gray(batch)
    with pytest.raises(ValueError, match="but predicted has 2"):
        plot_colorization_grid(gray, batch[:2])
    with pytest.raises(ValueError, match="but true has 1"):
        plot_colorization_grid(gray, batch, [photos[0]])
    with pytest.raises(ValueError, match="titles has 1 label"):
        plot_colorization_grid(gray, batch, titles=["one"])
    with pytest.raises(ValueError, match="'max_images' parameter .* must be an int in"):
        plot_colorization_grid(gray, batch, max_images=0)
    with pytest.raises(ValueError, match="predicted is empty"):
        plot_colorization_grid(gray, [])


def test_history_puts_the_losses_together_and_the_learning_rate_apart(tmp_path):
    history = {"loss": [0.03, 0.02, 0.018], "val_loss": [0.035, 0.025, 0.024],
               "learning_rate": [1e-3, 1e-3, 3.2e-4]}
    fig = plot_history(history)
    assert isinstance(fig, Figure)
    loss_ax, rate_ax = fig.axes
    assert [line.get_label() for line in loss_ax.lines] == ["loss", "val_loss"]
    assert rate_ax.get_ylabel() == "learning_rate" and rate_ax.get_yscale() == "log"
    np.testing.assert_allclose(loss_ax.lines[1].get_ydata(), history["val_loss"])
    fig.savefig(tmp_path / "history.png")
    assert read_image(tmp_path / "history.png").shape[2] == 3


def test_history_reads_a_fitted_colorizer_and_keeps_extra_metrics_apart():
    colorizer = SimpleNamespace(history_={"loss": [0.2, 0.1], "mae": [0.3, 0.2],
                                          "val_mae": [0.4, 0.3]})
    fig = plot_history(colorizer)
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "mae"]
    assert len(plot_history({"loss": [0.5]}).axes) == 1


def test_history_rejects_what_is_not_a_history():
    with pytest.raises(ValueError, match="no epochs"):
        plot_history({"loss": []})
    with pytest.raises(TypeError, match="dict of per-epoch lists"):
        plot_history([0.1, 0.2])
    with pytest.raises(TypeError, match="not a sequence of numbers"):
        plot_history({"loss": ["a", "b"]})


@pytest.mark.parametrize("gray, error, message", [
    (np.zeros((2, 8, 8, 1, 1)), ValueError, r"gray has 5 dimension\(s\).*expected a batch"),
    (np.array([None, None]), TypeError, r"gray has dtype object; expected"),
    (np.full((2, 8, 8), np.nan), ValueError, r"gray contains NaN or infinite values; expected"),
    ("two gray images", TypeError, r"gray must be a batch of images"),
    (np.zeros((0, 8, 8)), ValueError, r"gray is empty .*expected"),
])
def test_grid_names_a_malformed_gray_batch(photos, gray, error, message):
    predicted = np.stack([photo[:8, :8] for photo in photos[:2]])
    with pytest.raises(error, match=message):
        plot_colorization_grid(gray, predicted)
