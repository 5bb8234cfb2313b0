"""``skcolor train``, ``evaluate`` and ``compare`` end to end, on real CIFAR-10 images.

Each command runs once in a subprocess (``python -m skcolor``), which pays
TensorFlow's start-up: a tiny model is trained once per module and reused. The
other runs (refusals, which stop before TensorFlow starts, and evaluate's table)
go in-process through ``skcolor.cli.main``.
"""

import json
import math
import pickle
import shutil
import subprocess
import sys

import pytest

from skcolor.cli._data import load_split
from skcolor.cli._train import parse_parameter
from skcolor.color import rgb_to_gray
from skcolor.datasets import load_image_folder
from skcolor.io import read_image
from skcolor.metrics import luminance_psnr

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TRAIN_PER_CLASS, TEST_PER_CLASS = 8, 3


def skcolor(*args):
    """Run ``python -m skcolor ARGS`` in a subprocess; return the CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "skcolor", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def dataset(data_dir, tmp_path_factory):
    """An image-folder tree train/<class>/ (80 images) and test/<class>/ (30 images).

    Real CIFAR-10 JPEGs, the first few of each class of tests/data/cifar10.
    """
    root = tmp_path_factory.mktemp("cli_commands") / "cifar"
    for split, per_class in (("train", TRAIN_PER_CLASS), ("test", TEST_PER_CLASS)):
        for class_folder in sorted((data_dir / "cifar10" / split).iterdir()):
            target = root / split / class_folder.name
            target.mkdir(parents=True)
            for file in sorted(class_folder.iterdir())[:per_class]:
                shutil.copy(file, target)
    return root


@pytest.fixture(scope="module")
def trained(dataset):
    """``skcolor train`` of a tiny model into a folder that does not exist yet."""
    model = dataset.parent / "models" / "tiny.keras"
    result = skcolor(
        "train", "--data", dataset, "--out", model, "--limit", 64, "--epochs", 1,
        "--filters", "8,16", "--working_size", 32, "--batch-size", 16, "--random-state", 0,
    )
    return result, model


def test_train_saves_a_model_that_loads_and_colorizes(dataset, trained):
    from skcolor import AutoencoderColorizer

    result, model = trained
    assert result.returncode == 0, result.stderr
    assert "Training on 64 images of 32x32" in result.stdout
    assert "val_loss" in result.stdout  # Keras' line for the epoch, and the summary
    plot = model.with_name("tiny_loss.png")
    assert f"Model: {model}" in result.stdout and f"Loss curves: {plot}" in result.stdout
    assert sorted(p.name for p in model.parent.iterdir()) == ["tiny.keras", "tiny_loss.png"]

    colorizer = AutoencoderColorizer.load(model)
    params = colorizer.get_params()
    assert (params["filters"], params["epochs"], params["working_size"]) == ((8, 16), 1, 32)
    assert params["random_state"] == 0 and params["dropout"] == 0.2  # given, and default
    assert len(colorizer.history_["val_loss"]) == 1
    test = load_image_folder(dataset / "test").images
    gray = rgb_to_gray(test)
    colorized = colorizer.predict(gray)
    assert colorized.shape == test.shape and colorized.dtype == test.dtype
    assert luminance_psnr(gray, colorized) > 40  # the default keeps the input's luminance

    assert plot.read_bytes().startswith(PNG_SIGNATURE)
    height, width, channels = read_image(plot).shape
    assert channels == 3 and min(height, width) >= 200


def test_train_refuses_an_existing_model_and_bad_parameters(dataset, trained, run_cli):
    _, model = trained
    before = model.read_bytes()
    status, out, err = run_cli("train", "--data", dataset, "--out", model,
                                "--epochs", 1)
    assert status == 2 and "Training" not in out
    assert f"--out {model} exists; pass --overwrite" in err
    assert model.read_bytes() == before

    fresh = model.with_name("fresh.keras")
    for option, value in (("--dropout", 2), ("--filters", "8,x"), ("--optimizer", "adamax")):
        status, out, err = run_cli("train", "--data", dataset, "--out", fresh,
                                    option, value)
        name = option[2:]
        assert status == 2 and "skcolor train: error:" in err, err
        assert f"The {name!r} parameter of AutoencoderColorizer must be" in err, err
        assert "Traceback" not in err and not fresh.exists()

    # What fit checks against the data is reported as cleanly.
    status, out, err = run_cli("train", "--data", dataset, "--out", fresh, "--limit", 16,
                                "--image-size", 30, "--architecture", "seed", "--filters", "8,16")
    assert status == 2 and "Training on 16 images of 30x30" in out
    assert "skcolor train: error:" in err and "multiples of 4" in err and "30" in err, err
    assert not fresh.exists()


def test_train_resumes_a_saved_model(dataset, trained, tmp_path, run_cli):
    # In-process: the subprocess run above covered the command's start-up.
    from skcolor import AutoencoderColorizer

    _, model = trained
    before = model.read_bytes()
    resumed = tmp_path / "resumed.keras"
    status, out, err = run_cli("train", "--data", dataset, "--out", resumed,
                                "--resume", model, "--limit", 16, "--epochs", 1)
    assert status == 0, err
    assert f"Trained 1 epoch(s) after the 1 of {model}" in out
    colorizer = AutoencoderColorizer.load(resumed)
    assert len(colorizer.history_["loss"]) == 2  # the saved epoch and the new one
    assert colorizer.get_params()["filters"] == (8, 16)  # the saved model's network
    assert model.read_bytes() == before  # the checkpoint itself is only read

    status, out, err = run_cli("train", "--data", dataset, "--out", resumed,
                                "--overwrite", "--resume", model, "--filters", "4,8")
    assert status == 2 and "skcolor train: error:" in err and "filters" in err, err
    missing = tmp_path / "missing.keras"
    status, out, err = run_cli("train", "--data", dataset, "--out", tmp_path / "x.keras",
                                "--resume", missing)
    assert status == 2 and f"--resume {missing}: no such model file" in err and out == ""


@pytest.fixture(scope="module")
def evaluation_json(dataset, trained):
    _, model = trained
    result = skcolor("evaluate", "--data", dataset, "--model", model, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_evaluate_json_scores_the_model_and_the_gray_baseline(dataset, trained, evaluation_json):
    _, model = trained
    report = evaluation_json
    assert report["n_images"] == 10 * TEST_PER_CLASS
    assert report["model"] == str(model) and report["data"] == str(dataset / "test")
    model_scores, baseline = report["scores"]["model"], report["scores"]["baseline"]
    keys = {"dataset_psnr", "mean_psnr", "ssim", "ssim_images", "colorfulness",
            "luminance_psnr"}
    assert set(model_scores) == set(baseline) == keys
    assert all(math.isfinite(value) for value in [*model_scores.values(), *baseline.values()])
    assert baseline["colorfulness"] == 0  # the gray copy has no color at all
    assert baseline["luminance_psnr"] == 100  # capped: it is the input itself
    assert 15 < model_scores["dataset_psnr"] < 40 and 0 < model_scores["ssim"] <= 1
    assert model_scores["luminance_psnr"] > 40


def test_evaluate_table_shows_the_json_figures(dataset, trained, evaluation_json, run_cli):
    # In-process: the subprocess above already ran evaluate end to end, and this
    # process has TensorFlow loaded, so the table costs no second start-up.
    _, model = trained
    status, out, err = run_cli("evaluate", "--data", dataset, "--model", model)
    assert status == 0, err
    assert f"30 test images from {dataset / 'test'}" in out
    assert "skcolor evaluate: 30/30 images" in err  # the progress line
    lines = out.splitlines()
    header = next(line for line in lines if "dataset PSNR" in line)
    for column in ("mean PSNR", "SSIM", "colorfulness", "luminance PSNR"):
        assert column in header
    rows = {"model": f"model ({model})", "baseline": "baseline (gray copied to RGB)"}
    for key, label in rows.items():
        row = next(line for line in lines if line.startswith(label))
        scores = evaluation_json["scores"][key]
        assert f"{scores['dataset_psnr']:.2f} dB" in row and f"{scores['ssim']:.3f}" in row
        assert len(row) == len(header)  # aligned columns


def test_compare_draws_the_grid_with_the_shipped_model_and_keeps_it(dataset, run_cli):
    grid = dataset.parent / "pictures" / "grid.png"
    result = skcolor("compare", "--data", dataset, "-o", grid, "--n-images", 3, "--seed", 1)
    assert result.returncode == 0, result.stderr
    assert f"3 test images from {dataset / 'test'}: {grid}" in result.stdout
    assert grid.read_bytes().startswith(PNG_SIGNATURE)
    height, width, _ = read_image(grid).shape
    assert width >= 300 and 0.8 < height / width < 1.3  # three rows of three images
    assert [p.name for p in grid.parent.iterdir()] == ["grid.png"]  # no temporary left

    before = grid.read_bytes()
    status, _, err = run_cli("compare", "--data", dataset, "-o", grid)
    assert status == 2 and f"-o {grid} exists; pass --overwrite" in err
    assert grid.read_bytes() == before


@pytest.mark.parametrize("command", ["evaluate", "compare"])
def test_missing_model_is_named_before_any_work(dataset, tmp_path, command, run_cli):
    missing = tmp_path / "no-such-model.keras"
    extra = ["-o", tmp_path / "grid.png"] if command == "compare" else []
    status, out, err = run_cli(command, "--data", dataset, "--model", missing, *extra)
    assert status == 2 and out == ""
    assert f"skcolor {command}: error: --model {missing}: no such model file" in err
    assert list(tmp_path.iterdir()) == []


def test_unusable_data_is_explained(dataset, tmp_path, run_cli):
    status, _, err = run_cli("evaluate", "--data", tmp_path / "nothing-here")
    assert status == 2 and "no such file or folder; expected 'cifar10'" in err
    flat = dataset / "test" / "cat"  # images, but not sorted into class folders
    status, _, err = run_cli("evaluate", "--data", flat)
    assert status == 2 and "holds image files but no subfolders" in err
    (tmp_path / "train" / "cat").mkdir(parents=True)
    status, _, err = run_cli("evaluate", "--data", tmp_path)
    assert status == 2 and "has a train/ subfolder but no test/ subfolder" in err


def test_load_split_reads_every_local_form(dataset, tmp_path):
    train = load_image_folder(dataset / "train").images
    test = load_image_folder(dataset / "test").images
    # The official python version: channels-first rows, train split over 5 batches.
    batches = tmp_path / "cifar-10-batches-py"
    batches.mkdir()
    parts = dict(zip([f"data_batch_{i}" for i in range(1, 6)], train.reshape(5, 16, 32, 32, 3)))
    parts["test_batch"] = test
    for name, images in parts.items():
        rows = images.transpose(0, 3, 1, 2).reshape(len(images), -1)
        with open(batches / name, "wb") as file:
            pickle.dump({"data": rows, "labels": [0] * len(images)}, file, protocol=2)

    for data in (batches, tmp_path, dataset):  # the folder, the folder holding it, the tree
        images, source = load_split(str(data), "test")
        assert (images == test).all(), source
        images, _ = load_split(str(data), "train", limit=20, seed=3)
        assert len(images) == 20
        # A random pick, the same on every call, taken from the training images.
        assert (images == load_split(str(data), "train", limit=20, seed=3)[0]).all()
        assert all((train == image).all(axis=(1, 2, 3)).any() for image in images)

    # A plain class-per-subfolder folder serves both splits; --image-size resizes.
    images, source = load_split(str(dataset / "test"), "train", size=(16, 24))
    assert images.shape == (len(test), 16, 24, 3) and source == str(dataset / "test")


@pytest.mark.parametrize("command, expected", [
    # Each parameter's line comes from the estimator's table: its help, forms, default.
    ("train", ["--limit N", "--dropout VALUE", "dropout after each level. Accepts a float in "
               "[0, 1); default: 0.2", "cifar-10-batches-py"]),
    ("evaluate", ["--json", "gray input copied to R, G and B", "--limit N"]),
    ("compare", ["gray | colorized | true", "--n-images N", "--overwrite"]),
])
def test_help_describes_each_command(run_cli, command, expected):
    status, out, _ = run_cli(command, "--help")
    assert status == 0
    out = " ".join(out.split())  # as argparse wraps it at the terminal's width
    for text in expected:
        assert text in out


@pytest.mark.parametrize("text, sequence, expected", [
    ("32,64,128", False, (32, 64, 128)),
    ("16", True, (16,)),
    ("none", True, None),
    ("None", False, None),
    ("1e-3", False, 0.001),
    ("2", False, 2),
    ("huber", False, "huber"),
    ("True", False, True),
])
def test_parse_parameter(text, sequence, expected):
    value = parse_parameter(text, sequence=sequence)
    assert value == expected and type(value) is type(expected)


def test_colorize_vividness_sets_how_boldly_the_shipped_model_colors(data_dir, tmp_path, run_cli):
    from skcolor.io import write_image
    from skcolor.metrics import neutral_cast

    photo = read_image(data_dir / "photos" / "bsds500_102062.jpg")
    write_image(tmp_path / "photo.png", rgb_to_gray(photo[None])[0])
    casts = {}
    for vividness in ("0", "1"):
        status, _, err = run_cli("colorize", tmp_path / "photo.png",
                                  "-o", tmp_path / vividness, "--vividness", vividness)
        assert status == 0, err
        colored = read_image(tmp_path / vividness / "photo.png")
        casts[vividness] = neutral_cast(photo[None], colored[None]).magnitude
    assert casts["0"] < casts["1"]

    status, _, err = run_cli("colorize", tmp_path / "photo.png", "-o", tmp_path / "x",
                              "--vividness", "1.5")
    assert status == 2 and "--vividness: must be from 0 to 1; got 1.5" in err
