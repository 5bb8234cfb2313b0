"""Files as people have them: damaged, odd formats, rotated, huge, unwritable.

Test files are made from real photos (``tests/data/photos``) with OpenCV, or
written byte by byte where no encoder makes them (palette PNGs, EXIF orientation,
decompression bombs). The command line runs in-process (``skcolor.cli.main``).
"""

import hashlib
import os
import re
import struct
import sys
import zlib

import cv2
import numpy as np
import pytest

import skcolor.io
from skcolor.cli import main
from skcolor.datasets import load_image_folder
from skcolor.io import read_image, write_image


@pytest.fixture(scope="module")
def photo(data_dir):
    """A real 256×256 RGB photo (USC-SIPI 4.1.01), cropped to 96×128 to stay quick."""
    return read_image(data_dir / "photos" / "4.1.01.png")[:96, :128]


def _encode(suffix, image):
    """Bytes of ``image`` (RGB or gray, any dtype OpenCV writes) in the format of ``suffix``."""
    if image.ndim == 3 and image.shape[2] >= 3:
        image = image[..., [2, 1, 0, *range(3, image.shape[2])]]  # OpenCV writes BGR(A)
    ok, encoded = cv2.imencode(suffix, image)
    assert ok
    return encoded.tobytes()


def _png(width, height, color_type, rows, *, extra_chunks=(), bit_depth=8):
    """A PNG written by hand, for the kinds OpenCV does not write (palette, gray+alpha)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + bytes(row) for row in rows))  # filter 0 per row
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + b"".join(extra_chunks)
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def _with_exif_orientation(jpeg, orientation):
    """``jpeg`` with an APP1 Exif segment holding only the Orientation tag (0x0112)."""
    tiff = (b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
            + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0))
    payload = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def _sha256(folder):
    return {path.relative_to(folder): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


# ------------------------------------------------------------- damaged files


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".tif", ".bmp"])
@pytest.mark.parametrize("kept", [0.05, 0.5, 0.95])
def test_truncated_files_are_refused_naming_them(tmp_path, photo, suffix, kept):
    data = _encode(suffix, photo)
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(data[: int(len(data) * kept)])
    with pytest.raises(ValueError, match=r"cut\.\w+'.* (truncated|damaged)"):
        read_image(path)


def test_empty_text_and_foreign_files_are_refused_naming_them(tmp_path, photo):
    cases = {
        "empty.png": (b"", "is empty (0 bytes)"),
        "text.jpg": (b"just some text\n", "is not a PNG, JPEG, BMP or TIFF image"),
        "image.webp": (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "is not a PNG, JPEG, BMP or TIFF image"),
        "bad-crc.png": (_encode(".png", photo)[:40] + b"\x00" * 400 + _encode(".png", photo)[440:],
                        "truncated or damaged"),
    }
    for name, (content, message) in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ValueError, match=re.escape(message)) as raised:
            read_image(tmp_path / name)
        assert name in str(raised.value)


def test_folders_named_like_images_and_pipes_are_not_read(tmp_path):
    (tmp_path / "folder.png").mkdir()
    with pytest.raises(IsADirectoryError, match="folder.png"):
        read_image(tmp_path / "folder.png")
    if hasattr(os, "mkfifo"):  # a named pipe would block a plain open() for ever
        os.mkfifo(tmp_path / "pipe.png")
        with pytest.raises(ValueError, match="pipe.png' is not a regular file"):
            read_image(tmp_path / "pipe.png")
    with pytest.raises(TypeError, match="path must be a str or path-like"):
        read_image(0)  # open(0) would read standard input


# ---------------------------------------------------------------- odd formats


@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_16_bit_files_are_scaled_to_8_bits(tmp_path, photo, suffix):
    deep = photo.astype(np.uint16) * 257 + np.uint16(200)  # uses the low byte too
    exact = deep / 257  # 65535 -> 255
    path = tmp_path / f"deep{suffix}"
    path.write_bytes(_encode(suffix, deep))
    # OpenCV keeps a PNG's high byte and rounds a TIFF's: at most one level apart.
    assert np.abs(read_image(path) - exact).max() <= 1
    path.write_bytes(_encode(suffix, deep[..., 0]))  # 16-bit gray
    assert np.abs(read_image(path, mode="gray")[..., 0] - exact[..., 0]).max() <= 1


def test_palette_and_alpha_images(tmp_path, photo):
    palette = [(255, 0, 0), (0, 128, 255), (20, 200, 40)]
    indices = np.arange(6 * 4).reshape(6, 4) % 3
    plte = struct.pack(">I", 9) + b"PLTE" + bytes(sum(palette, ()))
    plte += struct.pack(">I", zlib.crc32(b"PLTE" + bytes(sum(palette, ()))) & 0xFFFFFFFF)
    path = tmp_path / "palette.png"
    path.write_bytes(_png(4, 6, 3, indices.astype(np.uint8), extra_chunks=[plte]))
    np.testing.assert_array_equal(read_image(path), np.array(palette, np.uint8)[indices])

    # RGBA: the alpha channel is dropped, the stored colors kept, transparent or not.
    rgba = np.dstack([photo, np.tile(np.array([0, 255], np.uint8), photo.shape[1] // 2)[None]
                      .repeat(photo.shape[0], 0)])
    path = tmp_path / "rgba.png"
    path.write_bytes(_encode(".png", rgba))
    np.testing.assert_array_equal(read_image(path), photo)

    gray = photo[:8, :8, 1]
    pairs = np.dstack([gray, np.full_like(gray, 7)]).reshape(8, 16)  # gray + alpha
    path = tmp_path / "gray-alpha.png"
    path.write_bytes(_png(8, 8, 4, pairs))
    np.testing.assert_array_equal(read_image(path, mode="gray")[..., 0], gray)
    np.testing.assert_array_equal(read_image(path), np.dstack([gray] * 3))


@pytest.mark.parametrize("orientation, turn", [(3, 2), (6, -1), (8, 1)])
def test_exif_orientation_is_honoured(tmp_path, photo, orientation, turn):
    jpeg = _encode(".jpg", photo)
    upright = tmp_path / "plain.jpg"
    upright.write_bytes(jpeg)
    rotated = tmp_path / "rotated.jpg"
    rotated.write_bytes(_with_exif_orientation(jpeg, orientation))
    # 6 means "rotate 90° clockwise to display", i.e. np.rot90 by -1; 8 the other way.
    expected = np.rot90(read_image(upright), turn)
    np.testing.assert_array_equal(read_image(rotated), expected)
    np.testing.assert_array_equal(read_image(rotated, mode="gray")[..., 0],
                                  np.rot90(read_image(upright, mode="gray")[..., 0], turn))


# ---------------------------------------------------------- decompression bombs


def _bombs(photo):
    """Files of a few hundred bytes that declare far more pixels than the limit."""
    jpeg = bytearray(_encode(".jpg", photo))
    frame = jpeg.index(b"\xff\xc0")  # baseline start-of-frame: ..., height, width
    jpeg[frame + 5:frame + 9] = struct.pack(">HH", 60000, 60000)
    bmp = (b"BM" + struct.pack("<IHHI", 54, 0, 0, 54)
           + struct.pack("<IiiHHIIiiII", 40, 50000, -50000, 1, 24, 0, 0, 0, 0, 0, 0))
    tiff_entries = struct.pack(">HHII", 256, 4, 1, 100000) + struct.pack(">HHII", 257, 4, 1, 100000)
    tiff = b"MM\x00*" + struct.pack(">IH", 8, 2) + tiff_entries + b"\x00" * 4
    bigtiff_entries = (struct.pack("<HHQQ", 256, 16, 1, 2**20)
                       + struct.pack("<HHQQ", 257, 3, 1, 60000))
    bigtiff = b"II+\x00" + struct.pack("<HHQQ", 8, 0, 16, 2) + bigtiff_entries
    return {
        "bomb.png": _png(100000, 100000, 0, [b"\x00"]),
        "bomb.jpg": bytes(jpeg),
        "bomb.bmp": bmp,
        "bomb.tif": tiff,
        "bigtiff.tif": bigtiff,
    }


def test_decompression_bombs_are_refused_before_decoding(tmp_path, photo, monkeypatch):
    def no_decoding(*args, **kwargs):
        raise AssertionError("decoding started")

    monkeypatch.setattr(skcolor.io.cv2, "imdecode", no_decoding)
    for name, content in _bombs(photo).items():
        assert len(content) < 5000
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ValueError, match="MAX_IMAGE_PIXELS = 178,956,970") as raised:
            read_image(tmp_path / name)
        assert name in str(raised.value) and "pixels" in str(raised.value)


def test_the_pixel_limit_can_be_changed(tmp_path, photo, monkeypatch):
    path = tmp_path / "photo.png"
    path.write_bytes(_encode(".png", photo))
    monkeypatch.setattr(skcolor.io, "MAX_IMAGE_PIXELS", 96 * 128 - 1)
    with pytest.raises(ValueError, match=r"128×96 = 12,288 pixels, more than .* = 12,287"):
        read_image(path)
    monkeypatch.setattr(skcolor.io, "MAX_IMAGE_PIXELS", None)
    np.testing.assert_array_equal(read_image(path), photo)


# ------------------------------------------------------- writing and datasets


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, photo, monkeypatch):
    path = tmp_path / "out.png"
    write_image(path, photo)
    before = path.read_bytes()

    def crash(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(skcolor.io.os, "replace", crash)
    with pytest.raises(OSError, match="No space left"):
        write_image(path, photo[::-1])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]


def test_load_image_folder_skips_folders_and_names_a_bad_file(tmp_path, photo):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        write_image(tmp_path / name / "1.png", photo)
    (tmp_path / "a" / "not-an-image.jpg").mkdir()  # a folder named like an image
    assert load_image_folder(tmp_path).images.shape == (2, 96, 128, 3)
    (tmp_path / "b" / "2.jpg").write_bytes(_encode(".jpg", photo)[:300])
    with pytest.raises(ValueError, match=r"2\.jpg' is truncated or damaged"):
        load_image_folder(tmp_path)


# ----------------------------------------------------------- the command line


@pytest.fixture(scope="module")
def attic(tmp_path_factory, photo):
    """A folder of what people find in attics: good, odd and broken files together."""
    root = tmp_path_factory.mktemp("attic") / "scans"
    (root / "1950").mkdir(parents=True)
    gray = photo[..., 1]
    write_image(root / "1950" / "gray.jpg", gray)
    (root / "1950" / "deep.tif").write_bytes(_encode(".tif", photo.astype(np.uint16) * 257))
    (root / "1950" / "rotated.jpg").write_bytes(
        _with_exif_orientation(_encode(".jpg", photo), 6))
    (root / "alpha.png").write_bytes(_encode(".png", np.dstack([photo, gray])))
    (root / "truncated.jpg").write_bytes(_encode(".jpg", photo)[:2000])
    (root / "empty.png").write_bytes(b"")
    (root / "text.tif").write_text("not an image\n")
    (root / "bomb.png").write_bytes(_bombs(photo)["bomb.png"])
    (root / "folder.jpg").mkdir()  # searched as a folder, holds nothing
    return root


def test_colorize_goes_past_bad_files_and_never_changes_inputs(attic, tmp_path, capsys):
    before = _sha256(attic)
    out = tmp_path / "colored"
    status = main(["colorize", str(attic), "-o", str(out), "--batch-size", "3"])
    stderr = capsys.readouterr().err
    assert status == 1, stderr  # some inputs failed
    assert "Traceback" not in stderr
    assert "4 colorized" in stderr and "4 failed" in stderr, stderr
    for name, reason in [("truncated.jpg", "truncated or damaged"), ("empty.png", "empty"),
                         ("text.tif", "is not a PNG"), ("bomb.png", "MAX_IMAGE_PIXELS")]:
        assert any(name in line and reason in line for line in stderr.splitlines()), stderr
    assert _sha256(attic) == before  # inputs are only read
    written = {p.relative_to(out).as_posix(): read_image(p) for p in out.rglob("*.*")}
    assert sorted(written) == ["1950/deep.tif", "1950/gray.jpg", "1950/rotated.jpg", "alpha.png"]
    assert written["1950/rotated.jpg"].shape == (128, 96, 3)  # upright, as displayed
    assert written["alpha.png"].shape == (96, 128, 3)
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]  # no temporary left


@pytest.mark.parametrize("where", ["under-a-file", "sysfs"])
def test_colorize_refuses_an_unwritable_output_folder_before_any_work(
        attic, tmp_path, capsys, monkeypatch, where):
    if where == "under-a-file":
        (tmp_path / "plain-file").write_text("")
        out = tmp_path / "plain-file" / "out"
    else:  # root may write anywhere permissions allow; sysfs refuses even root
        out = "/sys/skcolor-output"
        if not os.path.isdir("/sys") or sys.platform != "linux":
            pytest.skip("needs Linux's /sys")

    def no_work(*args, **kwargs):
        raise AssertionError("work started")

    monkeypatch.setattr(skcolor.io, "read_image", no_work)
    monkeypatch.setattr("skcolor.cli._colorize._load_colorizer", no_work)
    with pytest.raises(SystemExit) as exited:
        main(["colorize", str(attic), "-o", str(out)])
    assert exited.value.code == 2
    stderr = capsys.readouterr().err
    assert f"-o {out}: cannot write there" in stderr, stderr
    assert "Traceback" not in stderr
