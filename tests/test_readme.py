"""The README's quick start runs as written (with the local twin of the downloader)."""

import re
from pathlib import Path

import pytest

import skcolor.datasets

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.slow
def test_quick_start_runs(data_dir, tmp_path, monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    quick_start = blocks[0]
    # Tests have no network: the downloader is replaced by its local-path twin, on every
    # fourth training image of the fixture (88, all ten classes) to keep the fits quick.
    load_local = skcolor.datasets.load_cifar10

    def load_cifar10(path=None):
        (X_train, y_train), test = load_local(data_dir / "cifar10" if path is None else path)
        return (X_train[::4], y_train[::4]), test

    monkeypatch.setattr(skcolor.datasets, "load_cifar10", load_cifar10)
    monkeypatch.chdir(tmp_path)
    exec(compile(quick_start, str(README), "exec"), {})
    printed = capsys.readouterr().out
    assert re.search(r"shipped model: \d+\.\d\d dB, colorfulness \d+\.\d", printed)
    assert re.search(r"mean PSNR \d+\.\d\d dB", printed)
    assert "optimizer" in printed
    assert (tmp_path / "colorizer.keras").is_file()


def test_photo_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    namespace = {}
    exec(compile(blocks[1], str(README), "exec"), namespace)
    assert namespace["colored"].shape == (1, 512, 512, 3)
