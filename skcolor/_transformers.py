"""Transformers that turn color images gray and gray images color, as Pipeline steps."""

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._validation import check_images
from .color import rgb_to_gray


class _ImageTransformer(TransformerMixin, BaseEstimator):
    """Shared by transformers that learn nothing: usable without ``fit`` (as
    scikit-learn's FunctionTransformer), on image batches rather than 2-D arrays."""

    def __sklearn_is_fitted__(self):
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags


class RGBToGrayscale(_ImageTransformer):
    """Convert RGB images to gray with the ITU-R BT.601 weights.

    Stateless: ``fit`` learns nothing and ``transform`` works without it.

    See Also
    --------
    skcolor.color.rgb_to_gray : the function this transformer applies.

    Examples
    --------
    >>> import numpy as np
    >>> from skcolor import RGBToGrayscale
    >>> rgb = np.zeros((2, 32, 32, 3), dtype=np.uint8)
    >>> rgb[..., 0] = 255  # pure red: BT.601 weighs R by 0.299
    >>> gray = RGBToGrayscale().fit_transform(rgb)
    >>> gray.shape, gray.dtype, int(gray[0, 0, 0, 0])
    ((2, 32, 32, 1), dtype('uint8'), 76)
    """

    def fit(self, X, y=None):
        """Check ``X``; learns nothing.

        Parameters
        ----------
        X : array-like of shape (n, H, W, 3)
            RGB images, uint8 or float in [0, 1].
        y : None
            Ignored.

        Returns
        -------
        self : RGBToGrayscale

        Raises
        ------
        ValueError, TypeError
            As :meth:`transform`, for the same ``X``.
        """
        check_images(X, name="X", channels=(3,))
        return self

    def transform(self, X):
        """Gray images of ``X``.

        Parameters
        ----------
        X : array-like of shape (n, H, W, 3)
            RGB images, uint8 or float in [0, 1].

        Returns
        -------
        gray : ndarray of shape (n, H, W, 1)
            uint8 for integer input, float32 for float input.

        Raises
        ------
        ValueError, TypeError
            If ``X`` is not a batch of RGB images: a ValueError for its shape or
            values, a TypeError for a dtype that is not numeric.
        """
        return rgb_to_gray(check_images(X, name="X", channels=(3,)))


class GrayscaleToRGB(_ImageTransformer):
    """Colorize gray images with an already fitted colorizer, as a Pipeline step.

    ``fit`` never trains the colorizer: it is used as given.

    Parameters
    ----------
    colorizer : fitted estimator or None, default=None
        Anything with ``predict(gray) -> rgb``, typically a fitted
        :class:`~skcolor.AutoencoderColorizer`. ``None`` uses the model that ships
        with skcolor (:func:`skcolor.load_pretrained`). Inside a cross-validated
        search, which clones every step, wrap a fitted colorizer in
        ``sklearn.frozen.FrozenEstimator`` so that the clone stays fitted.

    Examples
    --------
    With the model that ships with skcolor, on a real photo of any size:

    >>> from skimage.data import chelsea
    >>> from skcolor import GrayscaleToRGB, RGBToGrayscale
    >>> gray = RGBToGrayscale().transform(chelsea()[None])  # (1, 300, 451, 1)
    >>> GrayscaleToRGB().fit_transform(gray).shape
    (1, 300, 451, 3)

    Or with a colorizer of your own, fitted first (here a tiny one, one epoch):

    >>> import numpy as np
    >>> from skcolor import AutoencoderColorizer
    >>> rgb = np.random.default_rng(0).integers(0, 256, (8, 32, 32, 3), dtype=np.uint8)
    >>> colorizer = AutoencoderColorizer(filters=(8, 16), epochs=1, random_state=0).fit(rgb)
    >>> GrayscaleToRGB(colorizer).fit_transform(rgb[..., :1]).shape
    (8, 32, 32, 3)
    """

    def __init__(self, colorizer=None):
        self.colorizer = colorizer

    def _get_colorizer(self):
        if self.colorizer is None:
            from ._pretrained import shared_pretrained

            return shared_pretrained()  # read-only: never handed out, so nothing changes it
        if not callable(getattr(self.colorizer, "predict", None)):
            raise TypeError(
                "GrayscaleToRGB's colorizer must be None or a fitted estimator with a predict "
                f"method, such as AutoencoderColorizer; got {type(self.colorizer).__name__}."
            )
        check_is_fitted(
            self.colorizer,
            msg=(
                "GrayscaleToRGB needs a fitted colorizer: fit %(name)s first (or wrap a "
                "fitted one in sklearn.frozen.FrozenEstimator inside cross-validation)."
            ),
        )
        return self.colorizer

    def fit(self, X, y=None):
        """Check the colorizer and ``X``; trains nothing.

        Parameters
        ----------
        X : array-like of shape (n, H, W) or (n, H, W, 1)
            Gray images, uint8 or float in [0, 1].
        y : None
            Ignored; present for the Pipeline API.

        Returns
        -------
        self : GrayscaleToRGB

        Raises
        ------
        ValueError
            If ``X`` is not a batch of gray images (its shape, or values out of range).
        TypeError
            If ``X`` is not numeric array-like, or ``colorizer`` has no ``predict``.
        sklearn.exceptions.NotFittedError
            If ``colorizer`` is not fitted.
        FileNotFoundError
            If ``colorizer`` is None and this installation lacks the shipped model.
        """
        check_images(X, name="X", channels=(1,))
        self._get_colorizer()
        return self

    def transform(self, X, hints=None):
        """Colorized ``X``.

        Parameters
        ----------
        X : array-like of shape (n, H, W) or (n, H, W, 1), or list of arrays
            Gray images, uint8 or float in [0, 1]; a list may hold images of
            different sizes.
        hints : array-like of shape (n, H, W, 4), list, or None, default=None
            RGBA color hints for a colorizer fitted with ``hints=True`` (see
            :meth:`AutoencoderColorizer.predict <skcolor.AutoencoderColorizer.predict>`).
            In a ``Pipeline``, route them with scikit-learn's metadata routing:
            ``GrayscaleToRGB(...).set_transform_request(hints=True)``.

        Returns
        -------
        rgb : ndarray of shape (n, H, W, 3), or list of (H, W, 3) arrays

        Raises
        ------
        ValueError
            If ``X`` or ``hints`` is not what the colorizer takes (the message
            names which and why).
        TypeError, sklearn.exceptions.NotFittedError, FileNotFoundError
            As :meth:`fit`, for the colorizer and ``X``.
        """
        if not isinstance(X, list):  # a list may hold images of different sizes
            X = check_images(X, name="X", channels=(1,))
        colorizer = self._get_colorizer()
        return colorizer.predict(X) if hints is None else colorizer.predict(X, hints=hints)
