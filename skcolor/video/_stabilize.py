"""Steady color over time: blend each frame's predicted chroma with the previous output.

A colorizer run frame by frame flickers: nothing ties its guess for one frame to
its guess for the next. :class:`ChromaStabilizer` carries the output chroma along
the motion: the previous frame's output chroma is warped onto the current frame
with optical flow (OpenCV's DIS) computed on the luminance, and blended with the
current prediction where the warped luminance agrees with the current one. Where
it does not (occlusions, new objects, failed flow) the current prediction wins;
at a scene cut the blending starts afresh. Everything runs at the network's
working size, where flow is cheap.
"""

import cv2
import numpy as np

from .._params import Interval, Options, Param, check_values

#: How the previous output is brought onto the current frame before blending.
MOTIONS = ("dis", "farneback", "none")
#: The stabilizer's parameters, which the clip functions take and check too.
STABILIZER_PARAMS = {
    "strength": Param([Interval(float, 0, 1, closed="left")], ""),
    "motion": Param([Options(*MOTIONS)], ""),
}

# Luminance disagreement (on the [0, 1] scale) at which the previous output's
# weight falls to 1/e of ``strength``: a few gray levels of noise keep most of it,
# a change of 0.1 (an edge that moved elsewhere) drops it.
_AGREEMENT_SCALE = 0.04
# A scene cut: more than this fraction of the pixels disagree by more than
# _CUT_DISAGREEMENT with the previous frame's luminance, brought along by DIS flow.
# On the shared clips (working size 64), consecutive frames reach at most 0.053;
# joins of two different clips 0.07-0.7 (docs/video.md). Joins of two shots of the
# same room stay below it, and the agreement weighting keeps them apart.
_CUT_FRACTION = 0.15
_CUT_DISAGREEMENT = 0.1


class ChromaStabilizer:
    """Stabilize per-frame chroma predictions over time, one frame at a time.

    Parameters
    ----------
    strength : float in [0, 1), default=0.8
        Weight of the motion-compensated previous output where the luminance
        agrees; 0 returns every prediction unchanged. The output is a running
        average over about ``1 / (1 - strength)`` frames along the motion.
    motion : {"dis", "farneback", "none"}, default="dis"
        Optical flow used to follow the motion; ``"none"`` blends in place,
        guided by the luminance change alone. Scene cuts are found with DIS flow
        whatever the choice.

    Attributes
    ----------
    cuts : list of int
        Indices of the frames at which a scene cut reset the blending (none
        are looked for when ``strength`` is 0).
    """

    def __init__(self, strength=0.8, *, motion="dis"):
        check_values("ChromaStabilizer", {"strength": strength, "motion": motion},
                     STABILIZER_PARAMS)
        self.strength = float(strength)
        self.motion = motion
        self.cuts = []
        self._index = 0
        self._previous = None  # (luma, output chroma) of the previous frame
        self._flow = None
        self._grid = None  # pixel coordinates, added to the flow for remap

    def update(self, luma, chroma):
        """The stabilized chroma of the next frame.

        Parameters
        ----------
        luma : ndarray of shape (h, w), uint8
            The frame's luminance at working size.
        chroma : ndarray of shape (h, w, c), float32
            The colorizer's chroma for the frame, at the same size.

        Returns
        -------
        chroma : ndarray of shape (h, w, c), float32
        """
        output = chroma
        if self._previous is not None and self.strength > 0:
            previous_luma, previous_output = self._previous
            mapping = self._mapping(luma, previous_luma, "dis")  # cut detection, and "dis"
            warped_luma = _warp(previous_luma, mapping)
            difference = (luma.astype(np.float32) - warped_luma) * np.float32(1 / 255)
            if np.mean(np.abs(difference) > _CUT_DISAGREEMENT) > _CUT_FRACTION:
                self.cuts.append(self._index)
            else:
                if self.motion == "none":
                    mapping = None
                    difference = (luma.astype(np.float32) - previous_luma) * np.float32(1 / 255)
                elif self.motion == "farneback":
                    mapping = self._mapping(luma, previous_luma, "farneback")
                    warped_luma = _warp(previous_luma, mapping)
                    difference = (luma.astype(np.float32) - warped_luma) * np.float32(1 / 255)
                warped = previous_output if mapping is None else _warp(previous_output, mapping)
                weight = np.float32(self.strength) * np.exp(
                    -np.square(difference / np.float32(_AGREEMENT_SCALE)))
                output = chroma + weight[..., np.newaxis] * (warped - chroma)
        self._previous = (luma, output)
        self._index += 1
        return output

    def _mapping(self, luma, previous_luma, method):
        """Where each pixel of the current frame was in the previous one (for remap)."""
        if method == "dis":
            if self._flow is None:
                self._flow = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
            flow = self._flow.calc(luma, previous_luma, None)
        else:
            flow = cv2.calcOpticalFlowFarneback(luma, previous_luma, None, 0.5, 3, 9, 3, 5,
                                                1.1, 0)
        if self._grid is None or self._grid.shape[:2] != luma.shape:
            height, width = luma.shape
            self._grid = np.stack(np.meshgrid(np.arange(width, dtype=np.float32),
                                              np.arange(height, dtype=np.float32)), axis=-1)
        flow += self._grid
        return flow


def _warp(image, mapping):
    warped = cv2.remap(image, mapping, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return warped.reshape(warped.shape[:2] + image.shape[2:])  # remap drops a lone channel
