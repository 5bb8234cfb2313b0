"""Time the page of ``skcolor serve`` in headless Chromium, and load it with two clients.

Starts the real command (``python -m skcolor serve --port 0``) in a subprocess, with
its default model, and measures:

- the page's weight without a photo (its HTML, script and style sheet) and whether
  it asks anything of another host;
- a 768×512 photo, from choosing the file to the colorized result shown, in the
  browser (median of ``--repeats`` different photos);
- a hint click to the updated result shown (median of ``--repeats`` clicks);
- two clients at once, ``--photos`` 768×512 photos each (other photos-val photos), uploaded
  and colorized over HTTP: every result compared with the library's own
  ``predict`` on the same photo, the errors counted, and the server's resident
  memory after each of ``--rounds`` rounds.

Run by hand from the repository root (Chromium from Debian's package)::

    python benchmarks/serve.py                # writes benchmarks/records/serve.json
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, machine_info, make_logger, markdown_table, write_json  # noqa: E402

log = make_logger("serve")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"]


def start_server():
    """``(process, url)`` of ``skcolor serve --port 0``, once it says where it listens."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    process = subprocess.Popen([sys.executable, "-m", "skcolor", "serve", "--port", "0"],
                               stderr=subprocess.PIPE, text=True, env=env)
    started = time.perf_counter()
    line = ""
    while "open http" not in line:
        line = process.stderr.readline()
        if not line:
            raise RuntimeError("skcolor serve ended before serving")
    log(f"server up in {time.perf_counter() - started:.1f} s")
    return process, line.split("open ", 1)[1].split()[0].rstrip("/")


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def photo_768x512(path, folder):
    """``path`` resized to 768×512 (a crop of the right aspect first), as a PNG in ``folder``."""
    import cv2

    from skcolor.io import read_image, write_image

    image = read_image(path)
    height, width = image.shape[:2]
    if width / height > 1.5:
        keep = int(height * 1.5)
        image = image[:, (width - keep) // 2:(width - keep) // 2 + keep]
    else:
        keep = int(width / 1.5)
        image = image[(height - keep) // 2:(height - keep) // 2 + keep]
    target = folder / f"{Path(path).stem}.png"
    write_image(target, cv2.resize(image, (768, 512), interpolation=cv2.INTER_AREA))
    return target


def browser_timings(url, photos, repeats):
    """Page weight, outside requests, and the upload and hint-click times, in Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        requested, weight = [], {}

        def on_response(response):
            if "/api/" not in response.url:
                weight[response.url] = len(response.body())

        page.on("request", lambda request: requested.append(request.url))
        page.on("response", on_response)
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready=true]")
        page_bytes = sum(weight.values())

        def shown(hints):
            text = "1 hint," if hints == 1 else f"{hints} hints,"
            page.wait_for_function(
                "([name, text]) => document.querySelector('#work').dataset.state === 'done' "
                "&& document.querySelector('#status').textContent.startsWith(name) "
                "&& document.querySelector('#status').textContent.includes(text)",
                arg=[current_name, text])

        uploads = []
        for path in photos[:repeats]:
            current_name = path.name
            start = time.perf_counter()
            page.set_input_files("#files", path)
            shown(0)
            uploads.append(time.perf_counter() - start)
        clicks = []
        box = page.locator("#color").bounding_box()
        for i in range(repeats):
            start = time.perf_counter()
            page.click("#color", position={"x": box["width"] * (0.1 + 0.08 * i),
                                           "y": box["height"] * 0.4})
            shown(i + 1)
            clicks.append(time.perf_counter() - start)
        browser.close()
    outside = sorted({u for u in requested if not u.startswith((url, "blob:", "data:"))})
    return {"page_bytes": page_bytes, "page_files": sorted(weight), "outside_requests": outside,
            "upload_to_shown_s": uploads, "hint_click_to_shown_s": clicks}


def two_clients(url, pid, paths, rounds):
    """Two clients upload and colorize their own photos at once, ``rounds`` times."""
    from skcolor import load_pretrained
    from skcolor.color import rgb_to_gray
    from skcolor.io import decode_image

    model = load_pretrained("photos-hints")
    datas = [path.read_bytes() for path in paths]
    expected = [model.predict([rgb_to_gray(decode_image(d)[np.newaxis])[0]])[0] for d in datas]
    halves = [list(range(0, len(paths), 2)), list(range(1, len(paths), 2))]
    records = []
    for round_ in range(rounds):
        wrong, errors, seconds = [], [], []

        def client(indices):
            for i in indices:
                try:
                    start = time.perf_counter()
                    request = urllib.request.Request(url + "/api/photos", datas[i],
                                                     {"X-Filename": paths[i].name})
                    with urllib.request.urlopen(request, timeout=120) as response:
                        photo = json.load(response)
                    request = urllib.request.Request(
                        f"{url}/api/photos/{photo['id']}/colorize", b"{}",
                        {"Content-Type": "application/json"})
                    with urllib.request.urlopen(request, timeout=120) as response:
                        shown = decode_image(response.read())
                    seconds.append(time.perf_counter() - start)
                    if not np.array_equal(shown, expected[i]):
                        wrong.append(paths[i].name)
                except Exception as exc:  # counted and reported
                    errors.append(f"{paths[i].name}: {exc}")

        start = time.perf_counter()
        threads = [threading.Thread(target=client, args=(half,)) for half in halves]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        records.append({"round": round_ + 1, "photos": len(paths), "wall_s": time.perf_counter() - start,
                        "median_photo_s": statistics.median(seconds) if seconds else None,
                        "wrong": wrong, "errors": errors, "server_rss_mb": rss_mb(pid)})
        log(f"round {round_ + 1}: {len(paths)} photos in {records[-1]['wall_s']:.1f} s, "
            f"{len(wrong)} wrong, {len(errors)} errors, server {records[-1]['server_rss_mb']:.0f} MB")
    return records


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--photos", type=int, default=20, help="photos per client")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent / "records" / "serve.json")
    args = parser.parse_args()

    import tempfile

    val = sorted((DATA / "photos-val").iterdir())
    process, url = start_server()
    try:
        idle_rss = rss_mb(process.pid)
        with tempfile.TemporaryDirectory() as folder:
            photos = [photo_768x512(path, Path(folder))
                      for path in val[:args.repeats + 2 * args.photos]]
            browser = browser_timings(url, photos, args.repeats)
            log(f"page {browser['page_bytes']} bytes; upload to shown median "
                f"{statistics.median(browser['upload_to_shown_s']):.3f} s; hint click median "
                f"{statistics.median(browser['hint_click_to_shown_s']):.3f} s")
            load = two_clients(url, process.pid, photos[args.repeats:], args.rounds)
    finally:
        process.terminate()
        process.wait(timeout=60)
    record = {"machine": machine_info(), "server_rss_idle_mb": idle_rss, **browser,
              "two_clients": load}
    write_json(args.out, record)
    rows = [
        ["page weight without the photo", f"{browser['page_bytes'] / 1000:.1f} kB",
         f"{len(browser['outside_requests'])} requests to other hosts"],
        ["768×512 photo, file chosen to result shown (median)",
         f"{statistics.median(browser['upload_to_shown_s']):.3f} s",
         f"max {max(browser['upload_to_shown_s']):.3f} s"],
        ["hint click to updated result (median)",
         f"{statistics.median(browser['hint_click_to_shown_s']):.3f} s",
         f"max {max(browser['hint_click_to_shown_s']):.3f} s"],
        [f"2 clients × {args.photos} photos (768×512) at once, {args.rounds} rounds",
         f"{sum(len(r['wrong']) for r in load)} wrong, {sum(len(r['errors']) for r in load)} errors",
         "server RSS " + " → ".join(f"{r['server_rss_mb']:.0f}" for r in load)
         + f" MB (idle {idle_rss:.0f} MB)"],
    ]
    print("\n".join(markdown_table(["what", "measured", "detail"], rows)))


if __name__ == "__main__":
    main()
