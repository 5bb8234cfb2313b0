"""The estimator's package: ``AutoencoderColorizer`` and what only it uses.

- ``_estimator``: the estimator, its fit (checks, the fitted state set in one step by
  ``_initialize``, training run, recovery) and its save record, with the fitted
  attributes listed once (``FITTED_STATE``);
- ``_param_table``: each parameter's accepted forms and ``--help`` line;
- ``_training``: the Keras optimizers, losses, callbacks and training monitor;
- ``_inference``: running a fitted network at any size (``predict`` and video);
- ``_model_file``: the ``.keras`` file, its safety checks and older records;
- ``_hint_inputs``: hint images checked and turned into the network's input channels;
- ``_reference``: a reference photo's colors, matched place by place by the encoder.

Private: the public names are re-exported by :mod:`skcolor`.
"""
