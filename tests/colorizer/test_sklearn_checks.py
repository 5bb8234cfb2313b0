"""scikit-learn's own estimator checks, wherever they can apply to image estimators.

``check_estimator``/``parametrize_with_checks`` skip an estimator whose tags say it does not
take 2-D arrays, as ours (image batches, ``(n, H, W, C)``) do, and so would run nothing. So we
ask scikit-learn for the checks it would run if ours took tabular data, and run every one of
them on the real estimators. Those that pass are applicable and must keep passing. The others
are listed below with their reason, and the reason itself is tested: that the check really
feeds tabular (2-D, 1-D or sparse) data, which an image estimator refuses by design, or that
scikit-learn skips it itself.
"""

import numpy as np
import pytest
from sklearn.utils import estimator_checks as checks

from skcolor import AutoencoderColorizer, GrayscaleToRGB, RGBToGrayscale

ESTIMATORS = [AutoencoderColorizer(filters=(8, 16), epochs=1), RGBToGrayscale(), GrayscaleToRGB()]

TABULAR = "feeds tabular X (2-D, 1-D or sparse), which an image estimator refuses by design"
# Where our own image-based tests cover the same ground, they are named.
NOT_APPLICABLE = {
    "check_fit_score_takes_y": f"{TABULAR}; fit/score signatures tested in test_estimator",
    "check_estimators_overwrite_params": f"{TABULAR}; test_parameters_are_stored_verbatim",
    "check_dont_overwrite_parameters": f"{TABULAR}; fit sets only trailing-underscore state",
    "check_estimators_fit_returns_self": f"{TABULAR}; test_fit_returns_self_and_sets_learned_state",
    "check_readonly_memmap_input": f"{TABULAR}; test_fit_does_not_modify_the_inputs (read-only "
                                   "session fixtures)",
    "check_n_features_in": f"{TABULAR}; n_features_in_ would be the image height",
    "check_positive_only_tag_during_fit": TABULAR,
    "check_estimators_dtypes": f"{TABULAR}; test_predict_keeps_the_dtype_family",
    "check_complex_data": f"{TABULAR}; test_validation's complex dtype case",
    "check_dtype_object": f"{TABULAR}; test_validation's object dtype case",
    "check_estimators_empty_data_messages": f"{TABULAR}; test_validation's empty cases",
    "check_estimators_nan_inf": f"{TABULAR}; test_validation's NaN and inf cases",
    "check_estimator_sparse_tag": f"{TABULAR}; images are dense",
    "check_estimator_sparse_array": f"{TABULAR}; images are dense",
    "check_estimator_sparse_matrix": f"{TABULAR}; images are dense",
    "check_pipeline_consistency": f"{TABULAR}; test_pipeline_from_rgb_through_colorizer",
    "check_estimators_pickle": f"{TABULAR}; test_fitted_estimator_survives_serialization",
    "check_f_contiguous_array_estimator": TABULAR,
    "check_fit2d_1sample": f"{TABULAR}; test_fit_needs_two_images_for_validation",
    "check_fit2d_1feature": TABULAR,
    "check_fit2d_predict1d": TABULAR,
    "check_fit_idempotent": f"{TABULAR}; test_same_random_state_gives_same_predictions",
    "check_fit_check_is_fitted": f"{TABULAR}; __sklearn_is_fitted__ tested through NotFittedError",
    "check_dict_unchanged": TABULAR,
    "check_methods_sample_order_invariance": TABULAR,
    "check_methods_subset_invariance": TABULAR,
    "check_regressors_train": f"{TABULAR}; our y is an image batch",
    "check_regressor_data_not_an_array": TABULAR,
    "check_regressors_no_decision_function": TABULAR,
    "check_supervised_y_2d": f"{TABULAR}; our y is an image batch",
    "check_regressors_int": TABULAR,
    "check_regressor_multioutput": f"{TABULAR}; our y is an image batch",
    "check_transformer_data_not_an_array": f"{TABULAR}; transformers tested on real images",
    "check_transformer_general": f"{TABULAR}; transformers tested on real images",
    "check_transformer_preserve_dtypes": f"{TABULAR}; test_rgb_to_grayscale_keeps_the_float_family",
    "check_transformers_unfitted_stateless": f"{TABULAR}; test_rgb_to_grayscale_is_stateless",
    "check_array_api_input": "scikit-learn skips it itself unless SCIPY_ARRAY_API is set",
}


def _name(check):
    return getattr(check, "func", check).__name__


def _sklearn_checks(estimator):
    """{check name: [check, ...]} that scikit-learn would run if ``estimator`` took 2-D X."""

    class Tabular(type(estimator)):
        def __sklearn_tags__(self):
            tags = super().__sklearn_tags__()
            tags.input_tags.two_d_array = True
            return tags

    found = {}
    for check in checks._yield_all_checks(Tabular(**estimator.get_params()), legacy=True):
        found.setdefault(_name(check), []).append(check)
    return found


CHECKS = {type(estimator).__name__: (estimator, _sklearn_checks(estimator)) for estimator in ESTIMATORS}
APPLICABLE = [(name, check) for name, (_, found) in CHECKS.items()
              for check in found if check not in NOT_APPLICABLE]
EXPLAINED = [(name, check) for name, (_, found) in CHECKS.items()
             for check in found if check in NOT_APPLICABLE]


def test_every_check_is_run_or_explained():
    """scikit-learn offers the checks: each one runs below or has a reason here, none stale."""
    offered = {check for _, found in CHECKS.values() for check in found}
    assert len(APPLICABLE) >= 25  # API, tag, parameter and 1-D-refusal checks at least
    assert set(NOT_APPLICABLE) <= offered, set(NOT_APPLICABLE) - offered


@pytest.mark.parametrize("estimator_name, check_name", APPLICABLE)
def test_sklearn_check(estimator_name, check_name):
    estimator, found = CHECKS[estimator_name]
    for check in found[check_name]:
        check(estimator_name, estimator)


def _ndim(X):
    ndim = getattr(X, "ndim", None)  # sparse matrices have one; lists and wrappers do not
    return ndim if isinstance(ndim, int) else np.asarray(X).ndim


def _recording(estimator, seen):
    """A subclass of ``estimator``'s class whose methods record the ndim of each X given."""
    base = type(estimator)
    methods = [m for m in ("fit", "partial_fit", "predict", "transform", "fit_transform", "score")
               if hasattr(base, m)]

    def recorder(method):
        def record(self, X, *args, **kwargs):
            seen.append(_ndim(X))
            return getattr(super(Recording, self), method)(X, *args, **kwargs)
        return record

    Recording = type(base.__name__, (base,), {m: recorder(m) for m in methods})
    return Recording(**estimator.get_params())


@pytest.mark.parametrize("estimator_name, check_name", EXPLAINED)
def test_not_applicable_check_fails_for_its_reason(estimator_name, check_name):
    from unittest import SkipTest

    estimator, found = CHECKS[estimator_name]
    for check in found[check_name]:
        seen = []
        with pytest.raises((AssertionError, ValueError, TypeError, SkipTest)) as failure:
            check(estimator_name, _recording(estimator, seen))
        if NOT_APPLICABLE[check_name].startswith(TABULAR):
            assert seen, "the check never handed the estimator any X"
            assert all(ndim <= 2 for ndim in seen), seen  # no image batch among them
            assert not isinstance(failure.value, SkipTest)
        else:
            assert isinstance(failure.value, SkipTest)
            assert "SCIPY_ARRAY_API" in str(failure.value)
