"""skcolor on a real Dask cluster: distributed grid search and batch colorization.

One LocalCluster of 2 worker processes with 1 thread each serves the module.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client():
    import tensorflow as tf

    # TensorFlow already running in the parent must not reach (or hang) the workers.
    tf.constant(0.0)
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    # Not the default client, so that tests name it where they use it.
    client = distributed.Client(cluster, set_as_default=False)
    yield client
    client.close()
    cluster.close()


def _search(n_jobs):
    from sklearn.model_selection import GridSearchCV

    from skcolor import AutoencoderColorizer
    from skcolor.metrics import psnr_scorer

    # Tiny and quick: the time goes into tracing Keras' training step, once per fit.
    estimator = AutoencoderColorizer(filters=(8, 16), epochs=1, batch_size=16, working_size=32,
                                     validation_fraction=0.0, random_state=0)
    return GridSearchCV(estimator, {"optimizer": ["adam", "rmsprop"]}, scoring=psnr_scorer,
                        cv=2, n_jobs=n_jobs, refit=False)


@pytest.mark.slow
def test_grid_search_on_cluster_matches_serial(client, cifar_train):
    import joblib

    from skcolor.color import rgb_to_gray

    rgb = cifar_train[::7][:48]  # 48 images, all ten classes (the fixture goes class by class)
    gray = rgb_to_gray(rgb)
    serial = _search(n_jobs=None).fit(gray, rgb)
    with joblib.parallel_backend("dask", client=client):
        spread = _search(n_jobs=-1).fit(gray, rgb)

    # The fits ran on the workers, each of which limited TensorFlow to its 1 thread.
    def tensorflow_threads():
        import tensorflow as tf

        return (tf.config.threading.get_intra_op_parallelism_threads(),
                tf.config.threading.get_inter_op_parallelism_threads())

    assert set(client.run(tensorflow_threads).values()) == {(1, 1)}
    assert spread.best_params_ == serial.best_params_
    for split in ("split0_test_score", "split1_test_score"):
        assert np.all(np.isfinite(serial.cv_results_[split]))
        # Seeded fits agree wherever they run: about 1e-13 dB apart for the full-resolution
        # U-Net, 4e-6 dB for the half-resolution default (float32 sums in another order
        # under the workers' thread counts). A lost seed moves the score by tenths of a dB.
        np.testing.assert_allclose(spread.cv_results_[split], serial.cv_results_[split],
                                   rtol=0, atol=1e-4)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def photo_folder(tmp_path, data_dir):
    """Real photos in a folder tree (two sizes, a subfolder) and one corrupt PNG."""
    folder = tmp_path / "scans"
    (folder / "cifar").mkdir(parents=True)
    shutil.copy(data_dir / "photos" / "4.1.06.png", folder / "tree.png")
    shutil.copy(data_dir / "photos" / "4.1.01.png", folder / "girl.png")
    cifar = sorted((data_dir / "cifar10" / "test" / "cat").iterdir())[:2]
    for source in cifar:
        shutil.copy(source, folder / "cifar" / source.name)
    (folder / "torn.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a picture")
    return folder


def _images_below(folder):
    return sorted(path.relative_to(folder) for path in folder.rglob("*") if path.is_file())


def test_colorize_files_on_cluster(client, photo_folder, tmp_path):
    from skcolor import load_pretrained
    from skcolor.io import read_image
    from skcolor.parallel import colorize_files

    before = {path: _digest(photo_folder / path) for path in _images_below(photo_folder)}
    out = tmp_path / "colored"
    # A fitted colorizer travels to the workers by pickle.
    outcome = colorize_files([photo_folder], out, client=client, model=load_pretrained(),
                             batch_size=2)

    good = sorted(path for path in before if path.name != "torn.png")
    assert outcome.written == len(good) == 4
    assert [Path(name).name for name, _ in outcome.failed] == ["torn.png"]
    assert os.fspath(photo_folder / "torn.png") == outcome.failed[0][0]  # named as given
    assert _images_below(out) == good
    for path in good:
        source, colored = read_image(photo_folder / path), read_image(out / path)
        assert colored.shape == source.shape[:2] + (3,)
    assert {path: _digest(photo_folder / path) for path in before} == before  # inputs untouched

    again = colorize_files(photo_folder, out, client=client)
    assert again.written == 0
    assert sorted(job.target.relative_to(out) for job in again.skipped) == good

    # Predict-time parameters reach the workers' copies of the model.
    calm = tmp_path / "calm"
    assert colorize_files(photo_folder, calm, client=client, vividness=0.0).written == 4
    assert any(not np.array_equal(read_image(out / path), read_image(calm / path)) for path in good)


def test_colorize_command_with_scheduler(client, photo_folder, tmp_path):
    out = tmp_path / "colored"
    command = [sys.executable, "-m", "skcolor", "colorize", os.fspath(photo_folder),
               "-o", os.fspath(out), "--scheduler", client.scheduler.address]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120)

    assert done.returncode == 1, done.stderr  # one input failed
    assert f"{photo_folder / 'torn.png'}" in done.stderr
    assert "4 colorized" in done.stderr and "1 failed" in done.stderr
    assert len(_images_below(out)) == 4


def test_colorize_files_needs_a_client(photo_folder, tmp_path):
    from skcolor.parallel import colorize_files

    # Its parameters are checked first, as the estimator checks them: the same
    # mistake raises what fit raises.
    with pytest.raises(ValueError, match="'vividness' parameter of colorize_files"):
        colorize_files(photo_folder, tmp_path / "out", vividness=1.5)
    with pytest.raises(TypeError, match="'working_size' parameter"):
        colorize_files(photo_folder, tmp_path / "out", working_size="64")
    with pytest.raises(TypeError, match="'batch_size' parameter of colorize_files"):
        colorize_files(photo_folder, tmp_path / "out", batch_size="8")

    with pytest.raises(ValueError, match="needs a Dask cluster"):
        colorize_files(photo_folder, tmp_path / "out")


def test_parallel_says_how_to_install_dask(monkeypatch, photo_folder, tmp_path):
    from skcolor.parallel import colorize_files

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r'pip install "skcolor\[dask\]"'):
        colorize_files(photo_folder, tmp_path / "out")


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_thread_setting_must_be_a_positive_integer(monkeypatch, value):
    from skcolor._runtime import limit_tensorflow_threads

    monkeypatch.setenv("SKCOLOR_NUM_THREADS", value)
    with pytest.raises(ValueError, match="SKCOLOR_NUM_THREADS must be a positive integer"):
        limit_tensorflow_threads()
