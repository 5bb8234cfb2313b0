"""Dense optical flow between frames, warping along it, and where it can be trusted.

The one home of the motion that the video stabilizer follows and the warp error
measures (OpenCV's DIS and Farnebäck flows). Plain NumPy/OpenCV.
"""

import cv2
import numpy as np

# DIS refuses frames with a side under this many pixels; smaller ones are padded.
_MIN_FLOW_SIDE = 16
_DIS_PRESETS = {"fast": cv2.DISOPTICAL_FLOW_PRESET_FAST,
                "medium": cv2.DISOPTICAL_FLOW_PRESET_MEDIUM}


class FlowEstimator:
    """Dense flow from one uint8 luminance frame to another, of any size.

    Parameters
    ----------
    method : {"dis", "farneback"}
    preset : {"fast", "medium"}, default="fast"
        DIS's speed-accuracy preset.
    """

    def __init__(self, method="dis", preset="fast"):
        self.method = method
        self._dis = cv2.DISOpticalFlow_create(_DIS_PRESETS[preset]) if method == "dis" else None

    def __call__(self, frame, previous):
        """Where each pixel of ``frame`` is in ``previous``: ``(H, W, 2)`` float32 (dx, dy).

        Frames with a side under 16 pixels are padded by repeating their edges
        first, since DIS refuses smaller ones.
        """
        height, width = frame.shape
        pad_h, pad_w = max(0, _MIN_FLOW_SIDE - height), max(0, _MIN_FLOW_SIDE - width)
        if pad_h or pad_w:
            frame, previous = (cv2.copyMakeBorder(f, 0, pad_h, 0, pad_w, cv2.BORDER_REPLICATE)
                               for f in (frame, previous))
        if self._dis is not None:
            flow = self._dis.calc(frame, previous, None)
        else:
            flow = cv2.calcOpticalFlowFarneback(frame, previous, None, 0.5, 3, 9, 3, 5, 1.1, 0)
        return flow[:height, :width]


def pixel_grid(height, width):
    """``(H, W, 2)`` float32 pixel coordinates (x, y), to which a flow is added for remap."""
    return np.stack(np.meshgrid(np.arange(width, dtype=np.float32),
                                np.arange(height, dtype=np.float32)), axis=-1)


def warp(image, flow, grid=None):
    """``image`` brought along ``flow``: pixel ``p`` of the result is ``image[p + flow[p]]``.

    Bilinear; positions outside the image take its nearest edge pixel. ``grid`` is
    :func:`pixel_grid` of the flow's size, passed to save recomputing it.
    """
    if grid is None:
        grid = pixel_grid(*flow.shape[:2])
    warped = cv2.remap(image, grid + flow, None, cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_REPLICATE)
    return warped.reshape(warped.shape[:2] + image.shape[2:])  # remap drops a lone channel


def consistent(backward, forward, *, slack=0.5, grid=None):
    """Where the backward flow is confirmed by the forward one (not occluded).

    The criterion of Ruder et al. (2016, "Artistic style transfer for videos"),
    which Lai et al. (2018) use for the warp error:
    ``|b(x) + f(x + b(x))|^2 <= 0.01 (|b(x)|^2 + |f(x + b(x))|^2) + slack``.

    Parameters
    ----------
    backward : ndarray of shape (H, W, 2)
        Flow from the current frame to the previous one.
    forward : ndarray of shape (H, W, 2)
        Flow from the previous frame to the current one.
    slack : float, default=0.5
        Squared pixels of disagreement always forgiven.

    Returns
    -------
    valid : ndarray of shape (H, W), bool
    """
    there = warp(forward, backward, grid)
    mismatch = np.square(backward + there).sum(axis=-1)
    scale = np.square(backward).sum(axis=-1) + np.square(there).sum(axis=-1)
    return mismatch <= 0.01 * scale + slack


def inside(flow, grid=None):
    """Where ``flow`` points inside the frame: the pixels that were already in view."""
    height, width = flow.shape[:2]
    if grid is None:
        grid = pixel_grid(height, width)
    target = grid + flow
    return ((target[..., 0] >= 0) & (target[..., 0] <= width - 1)
            & (target[..., 1] >= 0) & (target[..., 1] <= height - 1))
