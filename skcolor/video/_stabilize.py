"""Steady color over time: a chroma memory carried along the motion.

A colorizer run frame by frame flickers: nothing ties its guess for one frame to
its guess for the next. :class:`ChromaStabilizer` keeps a memory of the output
chroma. For each new frame it warps the memory along the optical flow (OpenCV's
DIS, on the luminance at up to ``flow_size`` pixels, where small moving parts
still show), and trusts it where the motion is confirmed: the forward and
backward flows agree, the pixel was already in view, and the warped luminance
matches the new frame's. There the fresh prediction only seeps in (a running
average over about ``1 / (1 - strength)`` frames along the motion); where a pixel
is new or occluded, the fresh prediction takes over at once. At a scene cut the
memory starts afresh. The chroma itself stays at the network's working size.

The design was chosen by measurement on the shared clips (docs/video.md): a
stricter consistency test, or flow at the working size or at full size, gave
more flicker for no gain in PSNR.
"""

import cv2
import numpy as np

from .._motion import FlowEstimator, consistent, inside, pixel_grid, warp
from .._params import Interval, Options, Param, check_values

#: How the memory follows the motion: DIS or Farnebäck optical flow, or not at all
#: (blending in place, guided by the luminance alone).
MOTIONS = ("dis", "farneback", "none")
#: The stabilizer's parameters, which the clip functions take and check too.
STABILIZER_PARAMS = {
    "strength": Param([Interval(float, 0, 1, closed="left")]),
    "motion": Param([Options(*MOTIONS)]),
}

#: Longest side, in pixels, of the luminance on which the flow is computed.
FLOW_SIZE = 256
# Luminance disagreement (on the [0, 1] scale) between the warped previous frame
# and the new one at which the memory's weight falls to 1/e of ``strength``.
_AGREEMENT_SCALE = 0.05
# Squared pixels (at the flow size) by which the forward and backward flows may
# disagree and still count as consistent: DIS is approximate in flat regions,
# where any flow carries the same, smooth chroma.
_CONSISTENCY_SLACK = 8.0
# A scene cut: more than this fraction of the pixels disagree by more than
# _CUT_DISAGREEMENT with the previous frame's luminance, brought along by DIS flow,
# both at the working size. On the shared clips (working size 64), consecutive
# frames reach at most 0.053; joins of two different clips 0.07-0.7 (docs/video.md).
_CUT_FRACTION = 0.15
_CUT_DISAGREEMENT = 0.1


class ChromaStabilizer:
    """Stabilize per-frame chroma predictions over time, one frame at a time.

    Parameters
    ----------
    strength : float in [0, 1), default=0.9
        Weight of the memory where the motion is confirmed; 0 returns every
        prediction unchanged. The output is a running average over about
        ``1 / (1 - strength)`` frames along the motion.
    motion : {"dis", "farneback", "none"}, default="dis"
        Optical flow the memory follows; ``"none"`` blends in place, guided by
        the luminance change alone. Scene cuts are found with DIS flow whatever
        the choice.

    Attributes
    ----------
    cuts : list of int
        Indices of the frames at which a scene cut reset the memory (none are
        looked for when ``strength`` is 0).

    Raises
    ------
    ValueError
        If ``strength`` is outside [0, 1) or ``motion`` is not a known flow.
    TypeError
        If ``strength`` is not a number or ``motion`` not a string.
    """

    def __init__(self, strength=0.9, *, motion="dis"):
        check_values("ChromaStabilizer", {"strength": strength, "motion": motion},
                     STABILIZER_PARAMS)
        self.strength = float(strength)
        self.motion = motion
        self.cuts = []
        self._index = 0
        self._previous = None  # (luma, flow luma, output chroma) of the previous frame
        self._cut_flow = FlowEstimator("dis")
        self._flow = None if motion == "none" else FlowEstimator(motion)

    def update(self, luma, chroma, flow_luma=None):
        """The stabilized chroma of the next frame.

        Parameters
        ----------
        luma : ndarray of shape (h, w), uint8
            The frame's luminance at working size.
        chroma : ndarray of shape (h, w, c), float32
            The colorizer's chroma for the frame, at the same size.
        flow_luma : ndarray of shape (H, W), uint8, default=None
            The frame's luminance at the size the flow is computed at (see
            :func:`flow_luma`); None uses ``luma``.

        Returns
        -------
        chroma : ndarray of shape (h, w, c), float32
        """
        if flow_luma is None:
            flow_luma = luma
        output = chroma
        if self._previous is not None and self.strength > 0:
            previous_luma, previous_flow_luma, memory = self._previous
            if self._is_cut(luma, previous_luma):
                self.cuts.append(self._index)
            else:
                weight, carried = self._carry(flow_luma, previous_flow_luma, memory,
                                              chroma.shape[:2])
                output = chroma + weight[..., np.newaxis] * (carried - chroma)
        self._previous = (luma, flow_luma, output)
        self._index += 1
        return output

    def _is_cut(self, luma, previous_luma):
        warped = warp(previous_luma, self._cut_flow(luma, previous_luma))
        difference = np.abs(luma.astype(np.float32) - warped) * np.float32(1 / 255)
        return np.mean(difference > _CUT_DISAGREEMENT) > _CUT_FRACTION

    def _carry(self, flow_luma, previous_flow_luma, memory, size):
        """The memory's weight and the memory brought onto the new frame, at ``size``."""
        height, width = flow_luma.shape
        grid = pixel_grid(height, width)
        if self._flow is None:
            backward = np.zeros((height, width, 2), np.float32)
            trusted = np.ones((height, width), bool)
        else:
            backward = self._flow(flow_luma, previous_flow_luma)
            forward = self._flow(previous_flow_luma, flow_luma)
            trusted = (consistent(backward, forward, slack=_CONSISTENCY_SLACK, grid=grid)
                       & inside(backward, grid))
        difference = (flow_luma.astype(np.float32) - warp(previous_flow_luma, backward, grid))
        agreement = np.exp(-np.square(difference * np.float32(1 / 255 / _AGREEMENT_SCALE)))
        confidence = agreement * trusted
        small_h, small_w = size
        if (small_h, small_w) != (height, width):
            confidence = cv2.resize(confidence, (small_w, small_h), interpolation=cv2.INTER_AREA)
            backward = cv2.resize(backward, (small_w, small_h), interpolation=cv2.INTER_AREA)
            backward *= np.float32([small_w / width, small_h / height])
        carried = warp(memory, backward)
        return np.float32(self.strength) * confidence, carried


def flow_luma(gray, working_shape):
    """A frame's luminance at the size its flow is computed at.

    At most :data:`FLOW_SIZE` on the longest side, never below the working size
    nor above the frame's own size.

    Parameters
    ----------
    gray : ndarray of shape (H, W) or (H, W, 1), uint8
        The full-size luminance.
    working_shape : tuple of int
        ``(h, w)`` of the chroma.

    Returns
    -------
    luma : ndarray of shape (H', W'), uint8
    """
    gray = gray.reshape(gray.shape[:2])
    height, width = gray.shape
    side = min(max(FLOW_SIZE, *working_shape), max(height, width))
    scale = side / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    if size == (width, height):
        return gray
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
