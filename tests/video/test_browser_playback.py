"""Colorized clips play in a browser's ``<video>``: the system's headless Chromium.

A clip counts as playing when Chromium decodes its first frame at the clip's size
and its playback clock advances. OpenCV's mp4v (MPEG-4 Part 2), which skcolor wrote
before, does not play: that shows the check can fail.
"""

from pathlib import Path

import cv2
import pytest

from skcolor.video import colorize_video

SIGNING = Path(__file__).resolve().parents[1] / "data" / "video" / "signing.mp4"

PLAYBACK = """async (src) => {
  const video = document.createElement("video");
  video.muted = true;
  document.body.appendChild(video);
  const outcome = await new Promise((resolve) => {
    video.onloadeddata = () => resolve("loaded");
    video.onerror = () => resolve("error " + (video.error && video.error.code));
    setTimeout(() => resolve("timeout"), 10000);
    video.src = src;
  });
  if (outcome !== "loaded") return {outcome};
  await video.play();
  await new Promise((resolve) => setTimeout(resolve, 600));
  return {outcome, width: video.videoWidth, height: video.videoHeight, time: video.currentTime};
}"""


@pytest.fixture(scope="module")
def gray_clip(tmp_path_factory):
    capture = cv2.VideoCapture(str(SIGNING))
    fps = capture.get(cv2.CAP_PROP_FPS)
    frames = [capture.read()[1] for _ in range(20)]
    capture.release()
    height, width = frames[0].shape[:2]
    path = tmp_path_factory.mktemp("playback") / "gray.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    for frame in frames:
        writer.write(cv2.cvtColor(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR))
    writer.release()
    return path, (height, width)


def _plays(browser, path):
    page = browser.new_page()
    try:
        page.goto(path.parent.as_uri() + "/")
        return page.evaluate(PLAYBACK, path.name)
    finally:
        page.close()


@pytest.mark.parametrize("suffix", [".mp4", ".webm"])
def test_a_colorized_clip_plays_in_chromium(browser, gray_clip, suffix):
    import skcolor

    source, (height, width) = gray_clip
    output = source.with_name(f"colorized{suffix}")
    colorize_video(source, output, skcolor.load_pretrained("cifar10"))
    played = _plays(browser, output)
    assert played["outcome"] == "loaded", played
    assert (played["width"], played["height"]) == (width, height)
    assert played["time"] > 0


def test_the_old_mp4v_output_does_not_play(browser, gray_clip):
    source, _ = gray_clip  # written by OpenCV's mp4v writer, as skcolor wrote clips before
    assert _plays(browser, source)["outcome"] != "loaded"
