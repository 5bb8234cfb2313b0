"""Figures of colorizations and training curves, drawn headless.

Every function returns a :class:`matplotlib.figure.Figure` built directly (never
through ``pyplot``), so nothing depends on a display or on pyplot's global state:
save it with ``fig.savefig("grid.png")``, or show it in a notebook by leaving it as
the cell's value. Never imports Keras.
"""


import numpy as np

from ._image import as_float32
from ._params import Interval, Param, validate_params
from ._validation import check_images

__all__ = ["plot_colorization_grid", "plot_history"]

# Width in inches of one image in the grid; the height follows the image's aspect.
_CELL_INCHES = 2.4
# History keys drawn on their own, log-scaled axes rather than as a loss.
_LEARNING_RATE_KEYS = ("learning_rate", "lr")


@validate_params({"max_images": Param([Interval(int, 1, None)])})
def plot_colorization_grid(gray, predicted, true=None, *, titles=None, max_images=8):
    """Draw gray inputs, their colorizations and optionally the true colors side by side.

    One row per image; the columns are gray | colorized | true, or gray | one
    column per colorizer | true when ``predicted`` is a dict.

    Parameters
    ----------
    gray : array-like of shape (n, H, W) or (n, H, W, 1), or list of arrays
        Gray input images, uint8 (0-255) or float in [0, 1]. A list may hold
        images of different sizes, each ``(H, W)``, ``(H, W, 1)`` or ``(H, W, 3)``.
    predicted : array-like of shape (n, H, W, 3), list of (H, W, 3) arrays, or dict
        Colorized images, in the same order; a dict maps column titles to such
        batches, one column each (to compare colorizers).
    true : array-like of shape (n, H, W, 3), or list of (H, W, 3) arrays, default=None
        True color images; None leaves out the third column.
    titles : sequence of str, default=None
        One label per image, written at the left of its row.
    max_images : int, default=8
        Draw at most the first ``max_images`` images.

    Returns
    -------
    fig : matplotlib.figure.Figure
        ``min(n, max_images)`` rows of 2 (or 3, with ``true``) axes.

    Raises
    ------
    ValueError
        If the inputs hold different numbers of images, ``titles`` has the wrong
        length, ``max_images`` is below 1, or an image is not a valid image.
    TypeError
        If ``max_images`` is not an int.

    See Also
    --------
    plot_history : Training curves of a fitted colorizer.

    Examples
    --------
    >>> import numpy as np
    >>> from skcolor.plotting import plot_colorization_grid
    >>> rgb = np.random.default_rng(0).integers(0, 256, (2, 16, 16, 3), dtype=np.uint8)
    >>> fig = plot_colorization_grid(rgb[..., :1], rgb, rgb, titles=["a", "b"])
    >>> len(fig.axes)
    6
    >>> fig = plot_colorization_grid(rgb[..., :1], {"model A": rgb, "model B": rgb[::-1]})
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['gray', 'model A', 'model B']
    """
    from matplotlib.figure import Figure

    n, gray_images = _as_image_list(gray, "gray", max_images)
    columns = {"gray": gray_images}  # column title -> images shown
    if isinstance(predicted, dict):
        if not predicted:
            raise ValueError("predicted is an empty dict; expected at least one column.")
        named = [(str(title), images, f"predicted[{title!r}]") for title, images in predicted.items()]
    else:
        named = [("colorized", predicted, "predicted")]
    for title, images, name in (*named, ("true", true, "true")):
        if images is None:
            continue
        count, columns[title] = _as_image_list(images, name, max_images)
        if count != n:
            raise ValueError(
                f"gray has {n} image(s) but {name} has {count}; expected one per gray image."
            )
    if titles is not None:
        titles = [str(title) for title in titles]
        if len(titles) != n:
            raise ValueError(f"titles has {len(titles)} label(s); expected one per image ({n}).")

    n_rows = len(gray_images)
    heights = [image.shape[0] / image.shape[1] for image in gray_images]
    fig = Figure(
        figsize=(_CELL_INCHES * len(columns), _CELL_INCHES * sum(heights) + 0.4),
        layout="constrained",
    )
    grid = fig.add_gridspec(n_rows, len(columns), height_ratios=heights)
    for row in range(n_rows):
        for col, (column_title, images) in enumerate(columns.items()):
            ax = fig.add_subplot(grid[row, col])
            _show(ax, images[row])
            if row == 0:
                ax.set_title(column_title)
            if col == 0 and titles is not None:
                ax.set_ylabel(titles[row])
    return fig


def _as_image_list(images, name, limit):
    """The number of images, and the first ``limit`` as float32 ``(H, W, C)`` in [0, 1].

    ``images`` is a batch ``(n, H, W[, C])`` or a list of images of any sizes.
    """
    if isinstance(images, (list, tuple)):
        if not images:
            raise ValueError(f"{name} is empty; expected at least one image.")
        shown = [check_images(np.asarray(image)[np.newaxis], name=f"{name}[{i}]")[0]
                 for i, image in enumerate(images[:limit])]
        count = len(images)
    else:
        batch = check_images(images, name=name)
        shown, count = batch[:limit], len(batch)
    return count, [as_float32(image) for image in shown]


def _show(ax, image):
    if image.shape[-1] == 1:
        ax.imshow(image[..., 0], cmap="gray", vmin=0.0, vmax=1.0)
    else:
        ax.imshow(image)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def plot_history(history):
    """Draw the per-epoch curves of a training history.

    The loss and its validation twin share one axes; every other metric gets its
    own, and the learning rate (if recorded) is drawn on a log scale last.

    Parameters
    ----------
    history : dict of str to list of float, or fitted estimator, or keras History
        Per-epoch values keyed by name, such as
        :attr:`AutoencoderColorizer.history_ <skcolor.AutoencoderColorizer>`
        (``loss``, ``val_loss``, ``learning_rate``). An object with a
        ``history_`` attribute (a fitted colorizer) or a ``history`` attribute
        (a ``keras.callbacks.History``) is read through it.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes per quantity: loss, then other metrics, then the learning rate.

    Raises
    ------
    TypeError
        If ``history`` is not a mapping of names to sequences of numbers.
    ValueError
        If it records no epochs.

    See Also
    --------
    plot_colorization_grid : Images side by side.

    Examples
    --------
    >>> from skcolor.plotting import plot_history
    >>> fig = plot_history({"loss": [0.3, 0.2, 0.15], "val_loss": [0.35, 0.3, 0.29],
    ...                     "learning_rate": [1e-3, 1e-3, 3e-4]})
    >>> len(fig.axes)
    2
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    series = _history_series(history)
    panels = _history_panels(series)
    fig = Figure(figsize=(6.0, 2.6 * len(panels)), layout="constrained")
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (quantity, names) in zip(axes, panels):
        for name in names:
            values = series[name]
            ax.plot(np.arange(1, len(values) + 1), values, marker="o", markersize=3, label=name)
        ax.set_ylabel(quantity)
        if quantity in _LEARNING_RATE_KEYS or _all_positive(series, names):
            ax.set_yscale("log")
        if len(names) > 1:
            ax.legend()
        ax.grid(True, alpha=0.3)
    axes[-1].set_xlabel("epoch")
    # Epochs are whole numbers; with one or two epochs the default locator would
    # otherwise tick fractions like 0.98, and the limits stay around the points.
    n_epochs = max(len(series[name]) for _, names in panels for name in names)
    axes[-1].set_xticks(np.arange(1, n_epochs + 1) if n_epochs <= 10 else [])
    if n_epochs > 10:
        axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[-1].set_xlim(0.5, n_epochs + 0.5)
    return fig


def _history_series(history):
    """The history as a dict of name to float64 arrays, checked."""
    if hasattr(history, "history_"):
        history = history.history_
    elif hasattr(history, "history") and not isinstance(history, dict):
        history = history.history
    if not isinstance(history, dict):
        raise TypeError(
            f"history must be a dict of per-epoch lists (e.g. a colorizer's history_); "
            f"got {type(history).__name__}."
        )
    series = {}
    for name, values in history.items():
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"history[{name!r}] is not a sequence of numbers.") from exc
        if array.ndim != 1:
            raise TypeError(f"history[{name!r}] must be a flat sequence; got shape {array.shape}.")
        if array.size:
            series[str(name)] = array
    if not series:
        raise ValueError("history records no epochs; fit the model first.")
    return series


def _history_panels(series):
    """``[(quantity, [series names]), ...]``: loss first, learning rate last."""
    quantities = {}
    for name in series:
        quantity = name[len("val_"):] if name.startswith("val_") else name
        quantities.setdefault(quantity, []).append(name)
    order = sorted(quantities, key=lambda q: (q != "loss", q in _LEARNING_RATE_KEYS))
    return [(quantity, sorted(quantities[quantity], key=lambda n: n.startswith("val_")))
            for quantity in order]


def _all_positive(series, names):
    """Whether a log scale suits these curves: positive and spanning a factor of 10."""
    values = np.concatenate([series[name] for name in names])
    values = values[np.isfinite(values)]
    return values.size > 0 and values.min() > 0 and values.max() / values.min() > 10
