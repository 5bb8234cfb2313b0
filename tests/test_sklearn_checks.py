"""scikit-learn's own estimator checks, where they can apply to image estimators.

``check_estimator``/``parametrize_with_checks`` skip an estimator whose tags say it
does not take 2-D arrays, as ours (image batches, ``(n, H, W, C)``) do. So we run
the checks that need no tabular data directly, and list the others with the reason
and the image-based test of ours that covers the same ground.
"""

import pytest
from sklearn.utils import estimator_checks as checks

from skcolor import AutoencoderColorizer, GrayscaleToRGB, RGBToGrayscale

ESTIMATORS = [AutoencoderColorizer(), RGBToGrayscale(), GrayscaleToRGB()]

APPLICABLE = [
    checks.check_estimator_cloneable,
    checks.check_estimator_tags_renamed,
    checks.check_valid_tag_types,
    checks.check_estimator_repr,
    checks.check_no_attributes_set_in_init,
    checks.check_do_not_raise_errors_in_init_or_set_params,
    checks.check_mixin_order,
    checks.check_parameters_default_constructible,
    checks.check_get_params_invariance,
    checks.check_set_params,
]

# Checks that feed 2-D tabular X (an image estimator refuses it with a ValueError,
# by design), and where our own tests cover the same property on images.
NOT_APPLICABLE = {
    "check_fit_score_takes_y": "tabular X; fit/score signatures tested in test_estimator",
    "check_estimators_overwrite_params": "tabular X; test_parameters_are_stored_verbatim",
    "check_dont_overwrite_parameters": "tabular X; fit sets only trailing-underscore state",
    "check_estimators_fit_returns_self": "tabular X; test_fit_returns_self_and_sets_learned_state",
    "check_readonly_memmap_input": "tabular X; fit never writes into its inputs (test_fit_does_not_modify_the_inputs)",
    "check_estimators_unfitted": "tabular X; test_predict_before_fit_raises_not_fitted",
    "check_n_features_in_after_fitting": "n_features_in_ would record the image height; not set on purpose",
    "check_positive_only_tag_during_fit": "tabular X",
    "check_estimators_dtypes": "tabular X; dtype rules in test_predict_keeps_the_dtype_family",
    "check_complex_data": "tabular X; test_validation complex dtype case",
    "check_dtype_object": "tabular X; test_validation object dtype case",
    "check_estimators_empty_data_messages": "tabular X; test_validation empty cases",
    "check_estimators_nan_inf": "tabular X; test_validation NaN and inf cases",
    "check_pipeline_consistency": "tabular X; test_pipeline_from_rgb_through_colorizer",
    "check_estimators_pickle": "tabular X; test_fitted_estimator_survives_serialization",
    "check_fit2d_1sample": "tabular X; test_fit_needs_two_images_for_validation",
    "check_fit1d": "1-D X is not an image batch; refused like any wrong dimension count",
    "check_fit_idempotent": "tabular X; test_same_random_state_gives_same_predictions",
    "check_fit_check_is_fitted": "tabular X; __sklearn_is_fitted__ tested through NotFittedError",
    "check_regressor_multioutput": "tabular X and y; our y is an image batch",
    "check_transformer_general": "tabular X; transformers tested on real images",
}


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("check", APPLICABLE, ids=lambda c: c.__name__)
def test_sklearn_check(estimator, check):
    check(type(estimator).__name__, estimator)


def test_not_applicable_checks_exist_in_scikit_learn():
    """Keep the list honest: every check named above is a real scikit-learn check."""
    for name in NOT_APPLICABLE:
        assert hasattr(checks, name), name
