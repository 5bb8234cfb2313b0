"""The same grid search serially and on a 2-worker Dask LocalCluster, and the cost of shipping.

Reports the wall time of each search and their ratio, whether they agree
(``best_params_`` and the largest score difference), and the overhead per fit of
running on a worker: the pickled size of an unfitted and a fitted estimator, the
time of a round trip of each to a worker and back, and joblib's per-task overhead
on the Dask backend (no-op tasks). Run from the repository root:

    python benchmarks/scale_out.py                   # about 5 minutes on 2 cores
    python benchmarks/scale_out.py --n-images 64 --out /tmp/scale_out.json   # quick

The serial search runs in this process with TensorFlow's default threads; the
cluster's workers get one thread each (skcolor limits TensorFlow to it).
"""

import argparse
import json
import os
import pickle
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

sys.path.insert(0, os.fspath(Path(__file__).resolve().parent))
from _common import DATA, load_average, machine_info  # noqa: E402

GRID = {"optimizer": ["adam", "rmsprop"], "dropout": [0.0, 0.2]}


def _search(args, n_jobs):
    from sklearn.model_selection import GridSearchCV

    from skcolor import AutoencoderColorizer
    from skcolor.metrics import psnr_scorer

    estimator = AutoencoderColorizer(filters=(16, 32), epochs=args.epochs, working_size=32,
                                     random_state=0)
    return GridSearchCV(estimator, GRID, scoring=psnr_scorer, cv=args.cv, n_jobs=n_jobs,
                        refit=False)


def _timed_search(args, gray, rgb, n_jobs, client=None):
    import joblib

    start = time.perf_counter()
    if client is None:
        search = _search(args, n_jobs).fit(gray, rgb)
    else:
        with joblib.parallel_backend("dask", client=client):
            search = _search(args, n_jobs).fit(gray, rgb)
    return search, time.perf_counter() - start


def _identity(value):
    return value


def _noop():
    return None


def _round_trip_seconds(client, value, repeats):
    """Median seconds to send ``value`` to a worker and get it back, unpickled."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        client.submit(_identity, value, pure=False).result()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _joblib_task_overhead(client, n_tasks):
    import joblib

    start = time.perf_counter()
    with joblib.parallel_backend("dask", client=client):
        joblib.Parallel(n_jobs=-1)(joblib.delayed(_noop)() for _ in range(n_tasks))
    return (time.perf_counter() - start) / n_tasks


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA / "cifar10" / "train")
    parser.add_argument("--n-images", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--cv", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/scale_out.json"))
    args = parser.parse_args(argv)

    import distributed
    import numpy as np

    from skcolor import AutoencoderColorizer
    from skcolor.color import rgb_to_gray
    from skcolor.datasets import load_image_folder

    per_class = -(-args.n_images // 10)
    rgb = load_image_folder(args.data, max_per_class=per_class).images
    rgb = rgb[np.random.default_rng(0).permutation(len(rgb))[:args.n_images]]
    gray = rgb_to_gray(rgb)
    n_fits = args.cv * int(np.prod([len(values) for values in GRID.values()]))
    record = {"machine": machine_info(), "load_average_before": load_average(),
              "n_images": len(rgb), "epochs": args.epochs, "cv": args.cv, "grid": GRID,
              "n_fits": n_fits}
    print(f"{len(rgb)} images, {n_fits} fits; load average {record['load_average_before']}",
          flush=True)

    serial, serial_seconds = _timed_search(args, gray, rgb, n_jobs=None)
    print(f"serial: {serial_seconds:.1f} s", flush=True)

    start = time.perf_counter()
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    client = distributed.Client(cluster, set_as_default=False)
    client.run(lambda: __import__("tensorflow"))  # as a long-lived cluster would have
    startup_seconds = time.perf_counter() - start
    try:
        spread, cluster_seconds = _timed_search(args, gray, rgb, n_jobs=-1, client=client)
        print(f"cluster: {cluster_seconds:.1f} s (start-up {startup_seconds:.1f} s)", flush=True)

        unfitted = AutoencoderColorizer(filters=(16, 32), epochs=1, working_size=32,
                                        random_state=0)
        fitted = AutoencoderColorizer(**unfitted.get_params()).fit(gray[:64], rgb[:64])
        shipping = {
            "unfitted_pickle_bytes": len(pickle.dumps(unfitted)),
            "fitted_pickle_bytes": len(pickle.dumps(fitted)),
            "unfitted_round_trip_s": _round_trip_seconds(client, unfitted, args.repeats),
            "fitted_round_trip_s": _round_trip_seconds(client, fitted, args.repeats),
            "joblib_dask_task_overhead_s": _joblib_task_overhead(client, 40),
        }
    finally:
        client.close()
        cluster.close()

    score_keys = [f"split{i}_test_score" for i in range(args.cv)]
    differences = [np.abs(spread.cv_results_[key] - serial.cv_results_[key]).max()
                   for key in score_keys]
    record.update(
        serial_seconds=serial_seconds,
        cluster_seconds=cluster_seconds,
        cluster_startup_seconds=startup_seconds,
        speedup=serial_seconds / cluster_seconds,
        serial_seconds_per_fit=serial_seconds / n_fits,
        best_params_serial=serial.best_params_,
        best_params_cluster=spread.best_params_,
        same_best_params=serial.best_params_ == spread.best_params_,
        max_score_difference_db=float(max(differences)),
        mean_test_score_serial=serial.cv_results_["mean_test_score"].tolist(),
        mean_test_score_cluster=spread.cv_results_["mean_test_score"].tolist(),
        shipping=shipping,
        load_average_after=load_average(),
    )
    print(json.dumps({key: value for key, value in record.items() if key != "machine"},
                     indent=2, default=str))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2, default=str) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
