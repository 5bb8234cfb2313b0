"""The ``skcolor`` command, end to end, on real photos.

One subprocess per command covers the real start-up (``python -m skcolor``, native
log filtering, no TensorFlow for ``--help``); the other cases run ``main`` in this
process (the ``run_cli`` fixture), which takes the same path after start-up.
"""

import hashlib
import shutil
import subprocess
import sys

import numpy as np
import pytest

from skcolor.color import rgb_to_gray
from skcolor.io import read_image, write_image
from skcolor.metrics import psnr


def skcolor(*args, cwd=None):
    """Run ``python -m skcolor ARGS``; return the CompletedProcess (text output)."""
    return subprocess.run(
        [sys.executable, "-m", "skcolor", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=300,
    )


def _fingerprint(folder):
    """{relative path: (sha256, mtime_ns)} of every file under ``folder``."""
    return {
        path.relative_to(folder): (hashlib.sha256(path.read_bytes()).hexdigest(),
                                   path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


@pytest.fixture(scope="module")
def inputs(data_dir, tmp_path_factory):
    """A folder of good and bad inputs: odd sizes, gray JPEG, RGB PNG in a subfolder."""
    root = tmp_path_factory.mktemp("cli") / "inputs"
    photos = data_dir / "photos"
    good, bad = root / "good", root / "bad"
    (good / "sub").mkdir(parents=True)
    bad.mkdir()
    gray = read_image(photos / "4.1.01.png", mode="gray")[:201, :157]
    write_image(good / "portrait.jpg", gray)  # a one-channel JPEG
    write_image(good / "sub" / "rhinos.png", read_image(photos / "bsds500_112056.jpg")[:300, 17:450])
    write_image(good / "sub" / "scan.tif", read_image(photos / "4.1.06.png"))
    (good / "notes.txt").write_text("not an image, and not named like one\n")
    complete_jpeg = (good / "portrait.jpg").read_bytes()
    (bad / "truncated.jpg").write_bytes(complete_jpeg[: len(complete_jpeg) // 2])
    (bad / "text.png").write_text("this is a text file with an image suffix\n")
    return root


@pytest.fixture(scope="module")
def first_run(inputs):
    """``skcolor colorize inputs/good 'inputs/bad/*' -o out``, with fingerprints around it."""
    before = _fingerprint(inputs)
    out = inputs.parent / "out"
    result = skcolor("colorize", inputs / "good", inputs / "bad" / "*", "-o", out,
                     "--batch-size", 2, "--working-size", 96)
    return result, out, before


def test_colorize_keeps_sizes_and_folders_and_reports_bad_files(inputs, first_run):
    result, out, before = first_run
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    # Each bad file is named on stderr; the good ones went on regardless.
    for name in ("truncated.jpg", "text.png"):
        assert any(name in line for line in result.stderr.splitlines()), result.stderr
    assert "images/s" in result.stderr  # the progress line
    assert "3 colorized" in result.stderr and "2 failed" in result.stderr
    assert _fingerprint(inputs) == before  # inputs are only read

    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["portrait.jpg", "sub/rhinos.png", "sub/scan.tif"]
    for relative in written:
        source = read_image(inputs / "good" / relative)
        output = read_image(out / relative)
        assert output.shape == source.shape  # the input's size, three channels
        channels = output.astype(np.int16)
        assert np.abs(channels[..., 0] - channels[..., 2]).mean() > 1  # colored, not gray
        # The luminance is the input's own (JPEG re-encoding costs a little).
        assert psnr(rgb_to_gray(source[np.newaxis]), rgb_to_gray(output[np.newaxis])) > 30


def test_second_run_without_overwrite_skips_existing_outputs(inputs, first_run, run_cli):
    _, out, _ = first_run
    before = _fingerprint(out)
    status, _, err = run_cli("colorize", inputs / "good", "-o", out)
    assert status == 0, err  # skipped is not failed
    assert err.count("exists (--overwrite replaces it)") == 3
    assert "0 colorized" in err and "3 skipped" in err
    assert _fingerprint(out) == before


def test_unusable_model_is_a_clear_error(inputs, tmp_path, run_cli):
    missing = tmp_path / "missing.keras"
    status, _, err = run_cli("colorize", inputs / "good", "-o", tmp_path / "out", "--model", missing)
    assert status == 2
    assert "--model" in err and "missing.keras: no such model file" in err

    from skcolor import _pretrained

    # The shipped model is --model's default: a missing one is named the same way.
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(_pretrained.PRETRAINED_MODELS, "photos", missing)
        status, _, err = run_cli("colorize", inputs / "good", "-o", tmp_path / "out")
    assert status == 2
    assert "--model" in err and "missing.keras: no such model file" in err
    assert "lacks the 'photos' model" in err

    bogus = tmp_path / "bogus.keras"
    bogus.write_text("not a model")
    status, _, err = run_cli("colorize", inputs / "good", "-o", tmp_path / "out", "--model", bogus)
    assert status == 2
    assert "bogus.keras" in err and "is not a skcolor model" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_help_works_without_starting_tensorflow(run_cli):
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "skcolor", "--help"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "colorize" in result.stdout and "demo" in result.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:")}  # -X importtime lists every module
    assert "skcolor.cli" in imported
    assert not {name.split(".")[0] for name in imported} & {"tensorflow", "keras"}

    status, out, _ = run_cli("colorize", "--help")
    assert status == 0
    assert "--overwrite" in out and "--working-size" in out

    status, _, err = run_cli("colorize", "photo.png")  # no -o: a usage error
    assert status == 2
    assert "usage: skcolor colorize" in err and "-o/--output" in err


def test_demo_writes_its_images_and_comparison(tmp_path):
    out = tmp_path / "demo"
    result = skcolor("demo", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for name in ("astronaut", "coffee", "chelsea", "rocket"):
        gray = read_image(out / f"{name}_gray.png", mode="gray")
        colorized = read_image(out / f"{name}_colorized.png")
        assert gray.shape[:2] == colorized.shape[:2]
        assert name in result.stdout
    assert read_image(out / "comparison.png").shape[0] > 400
    assert "PSNR" in result.stdout and str(out / "comparison.png") in result.stdout
    # Only the command's own lines: none of TensorFlow's native start-up log
    # (``E0000 ... failed call to cuInit`` on a machine without a GPU).
    assert result.stderr == "", result.stderr
    assert result.stdout.startswith("Colorized 4 photos")


NATIVE_LOG_WRITER = """
import os, sys
from skcolor.cli._native_logs import native_logs_filtered
with native_logs_filtered():
    os.write(2, b"E0000 00:00:1796470841.591186    3001 cuda_platform.cc:52] failed call to cuInit\\n")
    os.write(2, b"a native line of its own\\n")
    print("python's own line", file=sys.stderr)
    os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are "
                b"written to STDERR\\nI0000 00:00:1.2 77 port.cc:153] oneDNN\\npartial")
print("after", file=sys.stderr)
"""


def test_native_log_lines_are_dropped_and_the_rest_kept():
    result = subprocess.run([sys.executable, "-c", NATIVE_LOG_WRITER], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    # Python's lines go straight to stderr, the native ones through the filter: their
    # relative order may differ, their content not.
    assert "E0000" not in result.stderr and "absl" not in result.stderr
    assert "I0000" not in result.stderr
    for line in ("a native line of its own", "python's own line", "partial", "after"):
        assert line in result.stderr


COMMAND_WITH_NATIVE_LOG = """
import os, sys
from skcolor.cli import _colorize, main

def run(args):  # a command whose native code logs, as TensorFlow's does
    os.write(2, b"E0000 00:00:1796470841.591186    3001 cuda_platform.cc:52] failed call\\n")
    print("skcolor colorize: done", file=sys.stderr)
    return 0

_colorize.run = run
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("verbose", [False, True])
def test_the_command_line_hides_native_logs_unless_verbose(verbose):
    args = ["--verbose"] * verbose + ["colorize", "photo.png", "-o", "out"]
    result = subprocess.run([sys.executable, "-c", COMMAND_WITH_NATIVE_LOG, *args],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert ("failed call" in result.stderr) == verbose
    assert "skcolor colorize: done" in result.stderr


# In-process checks of the pieces the subprocess runs rely on (no TensorFlow).
def test_inputs_keep_relative_folders_and_refuse_colliding_outputs(inputs, tmp_path):
    from skcolor.batch import find_jobs
    from skcolor.io import IMAGE_SUFFIXES

    good = tmp_path / "good"
    shutil.copytree(inputs / "good", good)
    out = good / "colorized"  # inside an input folder: never searched itself
    out.mkdir()
    shutil.copy(good / "sub" / "rhinos.png", out / "old.png")
    pattern = str(good / "**" / "*.[pt][ni][gf]")  # .png and .tif files at any depth
    found = find_jobs([pattern, str(good / "portrait.jpg"), str(tmp_path / "nope")], out,
                      suffixes=IMAGE_SUFFIXES)
    assert [job.target.relative_to(out).as_posix() for job in found.jobs] == [
        "sub/rhinos.png", "sub/scan.tif", "portrait.jpg"]
    assert found.problems == [(str(tmp_path / "nope"), "no such file or folder")]

    in_place = find_jobs([str(good)], good, suffixes=IMAGE_SUFFIXES)
    assert not in_place.jobs and len(in_place.problems) == 4
    assert all("replace the input itself" in reason for _, reason in in_place.problems)

    (tmp_path / "other").mkdir()
    shutil.copy(good / "portrait.jpg", tmp_path / "other" / "portrait.jpg")
    with pytest.raises(ValueError, match="would both be written to"):
        find_jobs([str(good / "portrait.jpg"), str(tmp_path / "other")], tmp_path / "o",
                  suffixes=IMAGE_SUFFIXES)
