"""Video colorization on real clips: tests/data/video/ (CC BY 4.0, see SOURCES.md).

The clips are color; each test colorizes a gray copy and keeps the original as
the truth. The shipped model colorizes, at the clips' 160×120.
"""

import os
import shutil
import struct
import warnings
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from skcolor.color import rgb_to_gray
from skcolor.metrics import flicker, luminance_psnr, still_flicker
from skcolor.video import ChromaStabilizer, colorize_video, is_video, video_output_path

CLIPS = Path(__file__).resolve().parents[1] / "data" / "video"


def read_clip(path):
    """RGB uint8 frames ``(n, H, W, 3)`` and the frame rate."""
    capture = cv2.VideoCapture(os.fspath(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    fps = capture.get(cv2.CAP_PROP_FPS)
    capture.release()
    return np.stack(frames), fps


def write_clip(path, frames, fps, fourcc="mp4v"):
    height, width = frames.shape[1:3]
    writer = cv2.VideoWriter(os.fspath(path), cv2.VideoWriter_fourcc(*fourcc), fps,
                             (width, height))
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()


def gray_copy(frames):
    return np.repeat(rgb_to_gray(frames), 3, axis=-1)


def make_clip(path, frames, fps, *, codec="libx264", times=None, sound=None, title=None):
    """Write RGB ``frames`` with PyAV, at ``times`` (seconds; default: every 1/fps).

    ``sound`` names an audio codec: a 440 Hz tone, mono, 48 kHz, as long as the
    pictures, goes with the frames.
    """
    with av.open(path, "w", format="mpeg" if path.suffix == ".mpg" else None) as clip:
        if title is not None:
            clip.metadata["title"] = title
        video = clip.add_stream(codec, rate=Fraction(fps).limit_denominator(1001))
        video.width, video.height = frames.shape[2], frames.shape[1]
        video.pix_fmt = "yuvj420p" if codec == "mjpeg" else "yuv420p"
        if times is not None:
            video.codec_context.time_base = Fraction(1, 1000)
        audio = None if sound is None else clip.add_stream(sound, rate=48000, layout="mono")
        if audio is not None:
            audio.metadata["language"] = "eng"
        for index, frame in enumerate(frames):
            picture = av.VideoFrame.from_ndarray(frame, format="rgb24")
            if times is not None:
                picture.pts, picture.time_base = round(times[index] * 1000), Fraction(1, 1000)
            clip.mux(video.encode(picture))
        clip.mux(video.encode(None))
        if audio is not None:
            tone = np.sin(2 * np.pi * 440 * np.arange(round(48000 * len(frames) / fps)) / 48000)
            form = audio.codec_context.format.name
            samples = (0.3 * tone).astype(np.float32) if "flt" in form else \
                (0.3 * 32767 * tone).astype(np.int16)
            wave = av.AudioFrame.from_ndarray(samples[None], format=form, layout="mono")
            wave.sample_rate, wave.pts = 48000, 0
            clip.mux(audio.encode(wave))
            clip.mux(audio.encode(None))


def decoded_sound(path):
    """The codec, the packets' bytes and the decoded samples of the first audio stream."""
    with av.open(path) as clip:
        stream = clip.streams.audio[0]
        packets = [bytes(packet) for packet in clip.demux(stream) if packet.size]
    with av.open(path) as clip:
        stream = clip.streams.audio[0]
        samples = np.concatenate([frame.to_ndarray() for frame in clip.decode(stream)], axis=-1)
        return stream.codec_context.name, packets, samples, dict(stream.metadata)


def frame_times(path):
    """Each frame's time in seconds, and the container's metadata."""
    with av.open(path) as clip:
        return [float(frame.time) for frame in clip.decode(video=0)], dict(clip.metadata)


@pytest.fixture(scope="module")
def signing():
    return read_clip(CLIPS / "signing.mp4")


@pytest.fixture(scope="module")
def clips(tmp_path_factory, signing):
    """Gray copies: the signing clip (40 frames), and 20 of it joined to the hallway (12)."""
    folder = tmp_path_factory.mktemp("clips")
    truth, fps = signing
    write_clip(folder / "signing.mp4", gray_copy(truth), fps)
    hallway, _ = read_clip(CLIPS / "hallway.mp4")
    write_clip(folder / "joined.mp4", gray_copy(np.concatenate([truth[:20], hallway])), fps)
    return folder


@pytest.fixture(scope="module")
def colorized(clips, tmp_path_factory):
    """The gray signing clip colorized frame by frame and with the default stabilization."""
    import skcolor

    folder = tmp_path_factory.mktemp("colorized")
    model = skcolor.load_pretrained()
    results = {
        "frame by frame": colorize_video(clips / "signing.mp4", folder / "raw.mp4", model,
                                         strength=0),
        "stabilized": colorize_video(clips / "signing.mp4", folder / "steady.mp4", model),
    }
    return {name: (result, read_clip(result.path)[0]) for name, result in results.items()}


def test_frame_count_size_and_rate_are_kept(colorized, signing):
    truth, fps = signing
    for result, frames in colorized.values():
        assert result.frames == len(frames) == len(truth) == 40
        assert frames.shape[1:3] == truth.shape[1:3] == (120, 160)
        assert (result.width, result.height) == (160, 120)
        assert read_clip(result.path)[1] == fps == 30


@pytest.mark.parametrize("name, codec, written, written_codec", [
    ("clip.webm", "libvpx-vp9", "clip.webm", "vp9"),
    ("clip.mkv", "libx264", "clip.mkv", "h264"),
    ("clip.mov", "mpeg4", "clip.mov", "h264"),
    ("clip.mpg", "mpeg2video", "clip.mp4", "h264"),
    ("clip.avi", "mjpeg", "clip.mp4", "h264"),
])
def test_container_is_kept_where_it_plays(tmp_path, signing, name, codec, written,
                                          written_codec):
    truth, fps = signing
    source = tmp_path / "in" / name
    source.parent.mkdir()
    make_clip(source, gray_copy(truth[:8]), fps, codec=codec)
    result = colorize_video(source, tmp_path / name, strength=0.5)
    assert result.path == tmp_path / written == video_output_path(tmp_path / name)
    frames, rate = read_clip(result.path)
    assert len(frames) == 8 and rate == fps
    with av.open(result.path) as clip:
        stream = clip.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.pix_fmt) == (written_codec,
                                                                             "yuv420p")


@pytest.mark.parametrize("name, codec, sound", [("talk.mp4", "libx264", "aac"),
                                                ("talk.mkv", "libx264", "pcm_s16le"),
                                                ("talk.webm", "libvpx-vp9", "libopus")])
def test_sound_is_copied_packet_for_packet(tmp_path, signing, name, codec, sound):
    """The signing clip with a tone: the output's audio packets, and so its samples, are
    the input's; so are each frame's time, the title and the sound's language."""
    truth, fps = signing
    source = tmp_path / "in" / name
    source.parent.mkdir()
    make_clip(source, gray_copy(truth[:15]), fps, codec=codec, sound=sound, title="Signing")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # nothing is re-encoded
        result = colorize_video(source, tmp_path / name, strength=0)
    codec, packets, samples, metadata = decoded_sound(result.path)
    expected_codec, expected_packets, expected_samples, _ = decoded_sound(source)
    assert codec == expected_codec and packets == expected_packets
    assert expected_samples.shape[-1] >= 24000  # half a second of sound
    np.testing.assert_array_equal(samples, expected_samples)
    assert metadata.get("language") == "eng"
    times, container_metadata = frame_times(result.path)
    assert times == pytest.approx(frame_times(source)[0], abs=1e-3) and len(times) == 15
    assert container_metadata.get("title") == "Signing"


def test_sound_the_container_cannot_hold_is_reencoded_with_a_warning(tmp_path, signing):
    truth, fps = signing
    source = tmp_path / "talk.mkv"
    make_clip(source, gray_copy(truth[:15]), fps, sound="pcm_s16le")
    with pytest.warns(UserWarning, match="pcm_s16le.*re-encoded as opus"):
        result = colorize_video(source, tmp_path / "talk.webm", strength=0)
    codec, _, samples, _ = decoded_sound(result.path)
    expected = decoded_sound(source)[2]
    # Opus pads its first and last frames: the length agrees within 20 ms.
    assert codec == "opus" and abs(samples.shape[-1] - expected.shape[-1]) < 960
    assert np.abs(samples).max() > 0.2  # the tone, not silence


def test_subtitles_are_copied_where_the_container_holds_them(tmp_path, signing):
    """SubRip subtitles: kept in Matroska, left out of MP4 (which holds only mov_text)."""
    truth, fps = signing
    make_clip(tmp_path / "pictures.mkv", gray_copy(truth[:15]), fps)
    words = tmp_path / "words.srt"
    words.write_text("1\n00:00:00,000 --> 00:00:00,300\nHello\n\n"
                     "2\n00:00:00,300 --> 00:00:00,500\nworld\n")
    source = tmp_path / "talk.mkv"
    with av.open(tmp_path / "pictures.mkv") as pictures, av.open(words) as text, \
            av.open(source, "w") as clip:
        streams = [clip.add_stream_from_template(part.streams[0]) for part in (pictures, text)]
        for part, stream in zip((pictures, text), streams):
            for packet in part.demux(part.streams[0]):
                if packet.size:  # not the end-of-stream marker
                    packet.stream = stream
                    clip.mux(packet)

    def subtitles(path):
        with av.open(path) as clip:
            return [(bytes(packet), float(packet.pts * packet.time_base))
                    for stream in clip.streams.subtitles for packet in clip.demux(stream)
                    if packet.size]

    kept = colorize_video(source, tmp_path / "out.mkv", strength=0)
    assert subtitles(kept.path) == subtitles(source) == [(b"Hello", 0), (b"world", 0.3)]
    with pytest.warns(UserWarning, match="subtitles.*left out"):
        dropped = colorize_video(source, tmp_path / "out.mp4", strength=0)
    assert subtitles(dropped.path) == [] and dropped.frames == 15


def test_variable_frame_rate_keeps_its_timestamps(tmp_path, signing):
    truth, fps = signing
    times = np.cumsum([0] + [0.02, 0.05, 0.1] * 4)  # 13 frames, three intervals
    make_clip(tmp_path / "phone.mkv", gray_copy(truth[:13]), fps, times=times)
    result = colorize_video(tmp_path / "phone.mkv", tmp_path / "out.mp4", strength=0.5)
    assert result.frames == 13
    assert frame_times(result.path)[0] == pytest.approx(times, abs=1e-3)


def rotate_in_metadata(path):
    """Give an MP4's first track the display matrix of a phone turned a quarter."""
    data = bytearray(path.read_bytes())
    header = data.index(b"tkhd") + 4
    assert data[header] == 0  # version 0: 32-bit times
    matrix = header + 4 + 5 * 4 + 8 + 4 * 2  # past flags, times, reserved, layer, volume
    data[matrix:matrix + 36] = struct.pack(">9i", 0, 1 << 16, 0, -(1 << 16), 0, 0, 0, 0, 1 << 30)
    path.write_bytes(data)


def test_a_rotated_clip_comes_out_upright(tmp_path, signing):
    truth, fps = signing
    source = tmp_path / "phone.mp4"
    make_clip(source, gray_copy(truth[:6]), fps)
    rotate_in_metadata(source)
    upright = read_clip(source)[0]  # OpenCV applies the display matrix on its own
    assert upright.shape == (6, 160, 120, 3)
    result = colorize_video(source, tmp_path / "out.mp4", strength=0)
    frames = read_clip(result.path)[0]
    assert (result.width, result.height) == (120, 160) and frames.shape == upright.shape
    assert luminance_psnr(rgb_to_gray(upright), frames) > 38


@pytest.mark.parametrize("name, codec", [("exact.mkv", "ffv1"), ("exact.mp4", "h264"),
                                         ("exact.webm", "vp9")])
def test_lossless_output_decodes_to_the_colorized_frames(clips, tmp_path, name, codec):
    """crf=0 keeps every colorized frame exactly, and those are what predict makes."""
    import skcolor
    from skcolor.video import _FrameColorizer
    from skcolor.video._io import VideoReader

    model = skcolor.load_pretrained()
    result = colorize_video(clips / "signing.mp4", tmp_path / name, model, strength=0, crf=0)
    with VideoReader(clips / "signing.mp4") as reader:
        gray_bgr = [frame for _, frame in reader]
    made = np.stack(list(_FrameColorizer.of(model, None).colorize(gray_bgr, ChromaStabilizer(0))))
    with av.open(result.path) as clip:
        assert clip.streams.video[0].codec_context.name == codec
        decoded = np.stack([frame.to_ndarray(format="bgr24") for frame in clip.decode(video=0)])
    np.testing.assert_array_equal(decoded, made)
    predicted = model.predict(np.stack([cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
                                        for frame in gray_bgr])[..., None])
    assert np.abs(decoded[..., ::-1].astype(int) - predicted).max() <= 1


def test_a_truncated_clip_is_refused_and_leaves_no_output(tmp_path, signing):
    """A Matroska clip cut short opens and decodes; its header's duration gives it away."""
    truth, fps = signing
    make_clip(tmp_path / "whole.mkv", gray_copy(truth), fps, sound="aac")
    data = (tmp_path / "whole.mkv").read_bytes()
    (tmp_path / "cut.mkv").write_bytes(data[: len(data) * 2 // 3])
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValueError, match="cut.mkv.*truncated"):
        colorize_video(tmp_path / "cut.mkv", out / "cut.mkv")
    assert list(out.iterdir()) == []


def test_luminance_is_kept(colorized, clips):
    gray = rgb_to_gray(read_clip(clips / "signing.mp4")[0])  # the input, as decoded
    for _, frames in colorized.values():
        # 39.6 dB measured: what x264 at crf 17 costs on frames this small (62.4 dB
        # losslessly, crf=0).
        assert luminance_psnr(gray, frames) > 38
        assert np.abs(frames.astype(int) - np.repeat(gray, 3, -1)).max() > 10  # not gray


def test_stabilized_output_is_steadier_by_every_measure(colorized, signing, clips):
    """Flicker against the truth, warp error, CDC and the truth-free flicker all fall,
    and the PSNR stays within 0.2 dB of frame by frame."""
    from skcolor.metrics import clip_flow, color_distribution_consistency, dataset_psnr, warp_error

    truth = signing[0]
    raw = colorized["frame by frame"][1]
    steady = colorized["stabilized"][1]
    flows = list(clip_flow(read_clip(clips / "signing.mp4")[0]))  # the input's motion, for both
    # Measured with the photo model: 0.63x flicker (most of the rest is the true
    # clip's own frame-to-frame change, codec noise included, which no colorization
    # of gray frames can know), 0.94x warp error (whose bulk is the luminance's own,
    # shared by both), 0.56x CDC, 0.36x truth-free flicker, -0.08 dB.
    assert flicker(steady, truth) < 0.72 * flicker(raw, truth)
    assert warp_error(steady, flow=flows) < 0.97 * warp_error(raw, flow=flows)
    assert color_distribution_consistency(steady) < 0.7 * color_distribution_consistency(raw)
    assert still_flicker(steady) < 0.5 * still_flicker(raw)
    assert dataset_psnr(truth, steady) > dataset_psnr(truth, raw) - 0.2


def test_a_still_scene_stays_still(signing, tmp_path):
    """One frame held for 20 frames, with fresh grain on each (as a film scan has): frame
    by frame, the grain moves the colors; stabilized, they hold still."""
    from skcolor.color import rgb_to_ycbcr

    rng = np.random.default_rng(0)
    frame = gray_copy(signing[0][:1])[0].astype(np.int16)
    grainy = np.stack([np.clip(frame + rng.normal(0, 4, frame.shape[:2])[..., None], 0, 255)
                       for _ in range(20)]).astype(np.uint8)
    write_clip(tmp_path / "still.mp4", grainy, 25)
    change = {}
    for strength in (0, 0.9):
        result = colorize_video(tmp_path / "still.mp4", tmp_path / f"{strength}.mp4",
                                strength=strength)
        chroma = rgb_to_ycbcr(read_clip(result.path)[0])[..., 1:].astype(float) * 255
        change[strength] = np.abs(np.diff(chroma, axis=0)).mean()
        assert result.cuts == []
    # Measured: 0.20 against 0.49 chroma levels per frame (0.40x); the rest is mostly the
    # output codec's own noise.
    assert change[0.9] < 0.5 * change[0]


def test_a_tiny_clip_is_colorized(signing, tmp_path):
    """8×6 pixels: under the 12 that DIS optical flow needs; the frames are padded for it."""
    small = np.stack([cv2.resize(frame, (8, 6), interpolation=cv2.INTER_AREA)
                      for frame in gray_copy(signing[0][:10])])
    write_clip(tmp_path / "tiny.avi", small, 25, "MJPG")
    result = colorize_video(tmp_path / "tiny.avi", tmp_path / "out.avi")
    frames = read_clip(result.path)[0]
    assert frames.shape == (10, 6, 8, 3) and (result.width, result.height) == (8, 6)


def test_an_odd_frame_size_is_kept(signing, tmp_path):
    """4:2:0 H.264 needs even sides: an odd-sized clip is written as 4:4:4, with a warning
    (browsers play only 4:2:0); VP9 keeps 4:2:0 at any size."""
    small = np.stack([cv2.resize(frame, (9, 7), interpolation=cv2.INTER_AREA)
                      for frame in gray_copy(signing[0][:6])])
    make_clip(tmp_path / "odd.mkv", small, 25, codec="ffv1")
    with pytest.warns(UserWarning, match="odd side"):
        result = colorize_video(tmp_path / "odd.mkv", tmp_path / "out.mp4")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        web = colorize_video(tmp_path / "odd.mkv", tmp_path / "out.webm")
    for path, pixels in ((result.path, "yuv444p"), (web.path, "yuv420p")):
        assert read_clip(path)[0].shape == (6, 7, 9, 3)
        with av.open(path) as clip:
            assert clip.streams.video[0].codec_context.pix_fmt == pixels


def test_scene_cut_resets_the_smoothing(clips, tmp_path, colorized):
    assert colorized["stabilized"][0].cuts == []  # a person moving is no cut
    raw = colorize_video(clips / "joined.mp4", tmp_path / "raw.mp4", strength=0)
    steady = colorize_video(clips / "joined.mp4", tmp_path / "steady.mp4", strength=0.9)
    assert steady.cuts == [20] and raw.cuts == []  # strength 0 looks for none
    raw_frames, steady_frames = read_clip(raw.path)[0], read_clip(steady.path)[0]
    # The first frame after the cut is the model's own colors, nothing of the first scene.
    after = np.abs(steady_frames[20].astype(int) - raw_frames[20]).mean()
    before = np.abs(steady_frames[19].astype(int) - raw_frames[19]).mean()
    assert after < 0.5 and after < before / 2


def test_stabilizer_blends_still_frames_and_resets_at_cuts():
    rng = np.random.default_rng(0)
    luma = rng.integers(60, 200, (48, 64), dtype=np.uint8)
    stabilizer = ChromaStabilizer(0.8)
    first = np.full((48, 64, 2), 0.4, np.float32)
    assert stabilizer.update(luma, first) is first
    blended = stabilizer.update(luma, np.full_like(first, 0.6))
    # A still frame: the flows agree, the pixels were in view, the luminance matches.
    np.testing.assert_allclose(blended, 0.4 * 0.8 + 0.6 * 0.2, atol=1e-3)
    other_scene = np.full_like(luma, 20)
    new = np.full_like(first, 0.7)
    assert stabilizer.update(other_scene, new) is new
    assert stabilizer.cuts == [2]
    assert ChromaStabilizer(0).update(luma, first) is first
    with pytest.raises(ValueError, match="strength"):
        ChromaStabilizer(1.0)
    with pytest.raises(ValueError, match="motion"):
        ChromaStabilizer(0.5, motion="raft")


def test_damaged_clip_is_refused_and_leaves_no_output(clips, tmp_path):
    data = (clips / "signing.mp4").read_bytes()
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValueError, match="damaged.mp4"):
        colorize_video(damaged, out / "damaged.mp4")
    assert list(out.iterdir()) == []  # no partial clip, no temporary file


def test_rerun_without_overwrite_keeps_the_output(clips, tmp_path):
    target = tmp_path / "out.mp4"
    colorize_video(clips / "joined.mp4", target, strength=0)
    before = target.read_bytes()
    with pytest.raises(FileExistsError, match="overwrite"):
        colorize_video(clips / "signing.mp4", target)
    assert target.read_bytes() == before
    colorize_video(clips / "signing.mp4", target, overwrite=True)
    assert target.read_bytes() != before
    assert [path.name for path in tmp_path.iterdir()] == ["out.mp4"]


def test_is_video_reads_content_not_names(tmp_path, clips):
    assert is_video(CLIPS / "signing.mp4")
    disguised = tmp_path / "film.png"
    shutil.copy(clips / "signing.mp4", disguised)
    assert is_video(disguised)
    photo = tmp_path / "photo.mp4"
    cv2.imwrite(os.fspath(photo.with_suffix(".png")), np.zeros((4, 4), np.uint8))
    photo.with_suffix(".png").rename(photo)
    assert not is_video(photo) and not is_video(tmp_path) and not is_video(tmp_path / "nope")


@pytest.mark.parametrize("kwargs, message", [({"strength": -0.1}, "strength"),
                                             ({"batch_size": 0}, "batch_size"),
                                             ({"working_size": 4}, "working_size"),
                                             ({"crf": 52}, "crf"), ({"crf": -1}, "crf")])
def test_bad_options_are_refused_before_reading(clips, tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        colorize_video(clips / "signing.mp4", tmp_path / "out.mp4", **kwargs)
    assert not (tmp_path / "out.mp4").exists()


def test_a_quality_of_the_wrong_type_is_refused(clips, tmp_path):
    with pytest.raises(TypeError, match="crf"):
        colorize_video(clips / "signing.mp4", tmp_path / "out.mp4", crf="high")


def test_flicker_metrics_check_their_input(signing):
    truth = signing[0][:5]
    assert flicker(truth, truth) == 0
    assert flicker(iter(truth), list(truth)) == 0  # frames may stream
    with pytest.raises(ValueError, match="as many frames"):
        flicker(truth, truth[:4])
    with pytest.raises(ValueError, match="at least 2 frames"):
        flicker(truth[:1], truth[:1])
    with pytest.raises(ValueError, match="same size"):
        flicker(truth, truth[:, :60])
    with pytest.raises(ValueError, match="at least 2 frames"):
        still_flicker(truth[:1])


def test_command_colorizes_clips_among_images_and_reports_damaged_ones(clips, tmp_path, run_cli):
    inputs = tmp_path / "films"
    inputs.mkdir()
    shutil.copy(clips / "joined.mp4", inputs / "joined.mp4")
    data = (clips / "signing.mp4").read_bytes()
    (inputs / "torn.mkv").write_bytes(data[: len(data) // 3])
    photo = np.repeat(rgb_to_gray(read_clip(CLIPS / "hallway.mp4")[0][:1]), 3, -1)[0]
    cv2.imwrite(os.fspath(inputs / "still.png"), photo)
    out = tmp_path / "out"

    status, _, err = run_cli("colorize", inputs, "-o", out)
    assert status == 1, err
    assert "torn.mkv" in err
    assert "frames" in err  # frame progress
    assert "2 colorized" in err and "1 failed" in err
    assert sorted(path.name for path in out.iterdir()) == ["joined.mp4", "still.png"]
    frames, rate = read_clip(out / "joined.mp4")
    assert len(frames) == 32 and rate == 30

    status, _, err = run_cli("colorize", inputs / "joined.mp4", "-o", out)
    assert status == 0 and "skipped" in err


def test_help_says_what_is_written(run_cli):
    _, out, _ = run_cli("colorize", "--help")
    assert "SOUND IS KEPT" in out and "H.264" in out and "VP9" in out and "--crf" in out


def test_command_takes_a_quality(clips, tmp_path, run_cli):
    status, _, err = run_cli("colorize", clips / "joined.mp4", "-o", tmp_path, "--crf", "52")
    assert status == 2 and "--crf" in err and "at most 51" in err
    source = tmp_path / "in" / "joined.mkv"
    source.parent.mkdir()
    shutil.copy(clips / "joined.mp4", source)
    status, _, err = run_cli("colorize", source, "-o", tmp_path / "out", "--crf", "0")
    assert status == 0, err
    with av.open(tmp_path / "out" / "joined.mkv") as clip:
        assert clip.streams.video[0].codec_context.name == "ffv1"


# The worker runs in this process, where TensorFlow already runs: its thread limit cannot apply.
@pytest.mark.filterwarnings("ignore:TensorFlow was already running:RuntimeWarning")
def test_each_clip_is_one_dask_task(clips, tmp_path):
    distributed = pytest.importorskip("distributed")
    from skcolor.parallel import colorize_files

    folder = tmp_path / "films"
    folder.mkdir()
    shutil.copy(clips / "joined.mp4", folder / "a.mp4")
    shutil.copy(clips / "joined.mp4", folder / "b.mkv")  # an MP4 named .mkv: kept as .mkv
    frame = read_clip(CLIPS / "hallway.mp4")[0][0]
    for name in ("c.png", "d.png"):
        cv2.imwrite(os.fspath(folder / name), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    # Workers in this process: no second TensorFlow start-up.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster, set_as_default=False) as client, \
            distributed.get_task_stream(client) as stream:
        outcome = colorize_files(folder, tmp_path / "out", client=client)
    assert outcome.written == 4 and outcome.failed == []
    shares = [task for task in stream.data if "colorize_share" in task["key"]]
    assert len(shares) == 3  # one per clip, one for both photos
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "a.mp4", "b.mkv", "c.png", "d.png"]
    assert len(read_clip(tmp_path / "out" / "b.mkv")[0]) == 32


@pytest.mark.parametrize("color_space", ["ycbcr", "lab", "rgb"])
def test_unstabilized_frames_are_what_predict_makes_of_them(signing, cifar_train, color_space):
    """The clip path runs the network as predict does, whatever the color space: the
    same working size, decoding and recombination on the full-size luminance."""
    from skcolor import AutoencoderColorizer
    from skcolor.video import _FrameColorizer

    truth, _ = signing
    model = AutoencoderColorizer(color_space=color_space, filters=(8, 16), epochs=1,
                                 validation_fraction=0, working_size=64, random_state=0)
    model.fit(cifar_train[:64])
    # Weights jolted away from a near-gray start: strong colors, varying in space,
    # so that any difference in the path shows.
    rng = np.random.default_rng(0)
    model.model_.set_weights([
        w + rng.normal(0, 3 * w.std(), w.shape).astype(w.dtype) if w.ndim == 4 else w
        for w in model.model_.get_weights()])
    gray = rgb_to_gray(truth[:6])
    bgr = [cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR) for frame in gray]
    frames = _FrameColorizer.of(model, None).colorize(bgr, ChromaStabilizer(0))
    video = np.stack([cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) for frame in frames])
    expected = model.predict(gray)
    assert video.shape == expected.shape == (6, 120, 160, 3)
    assert np.abs(video.astype(int) - expected).max() <= 1
    assert np.std(expected.astype(float), axis=-1).mean() > 5  # colors to compare, not gray
