"""``skcolor serve``'s API over real HTTP: what the page asks, and what it is told."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading

import numpy as np
import pytest

from skcolor.color import rgb_to_gray
from skcolor.hints import from_points
from skcolor.io import decode_image, encode_image


@pytest.fixture(scope="module")
def photo_bytes(photos_dir):
    return (photos_dir / "4.1.01.png").read_bytes()


def expected_colorization(server, data, **predict_params):
    """What the library gives for ``data``: the page must show exactly this."""
    from skcolor.batch import with_predict_params

    gray = rgb_to_gray(decode_image(data)[np.newaxis])
    hints = predict_params.pop("hints", None)
    colorizer = with_predict_params(server.colorizing.colorizer, predict_params)
    return colorizer.predict(gray, hints=hints)[0]


def test_an_upload_is_colorized_at_full_size_exactly_as_the_library_does(server, photo_bytes):
    photo = server.upload(photo_bytes, "4.1.01.png")
    assert (photo["width"], photo["height"], photo["name"]) == (256, 256, "4.1.01.png")
    status, headers, body = server.colorize(photo["id"])
    assert status == 200 and headers["Content-Type"] == "image/png"
    shown = decode_image(body)
    assert shown.shape == (256, 256, 3)
    np.testing.assert_array_equal(shown, expected_colorization(server, photo_bytes))
    chroma = np.abs(shown.astype(int) - shown.mean(axis=-1, keepdims=True)).mean()
    assert chroma > 2  # colored, not the gray copy back

    status, _, gray = server.request(f"/api/photos/{photo['id']}/gray.png")
    assert status == 200
    np.testing.assert_array_equal(decode_image(gray, mode="gray"),
                                  rgb_to_gray(decode_image(photo_bytes)[np.newaxis])[0])


def test_vividness_and_hints_reach_the_colorizer(server, photo_bytes):
    photo = server.upload(photo_bytes)
    status, _, vivid = server.colorize(photo["id"], vividness=1.0)
    assert status == 200
    np.testing.assert_array_equal(decode_image(vivid),
                                  expected_colorization(server, photo_bytes, vividness=1.0))
    status, _, hinted = server.colorize(photo["id"], hints=[[130, 228, "#3050d0"]])
    assert status == 200
    radius = 2  # the page's discs are at least 2 pixels, 0.6 % of the longest side
    hints = from_points((256, 256), [(130, 228, "#3050d0")], radius=radius)[np.newaxis]
    np.testing.assert_array_equal(decode_image(hinted),
                                  expected_colorization(server, photo_bytes, hints=hints))


@pytest.mark.parametrize("request_body, message", [
    (b"not json", "the request must be JSON of the form"),
    (b"[1, 2]", "the request must be JSON of the form"),
    (b'{"hints": "red"}', "the request must be JSON of the form"),
    (b'{"vividness": 2}', "'vividness' parameter of AutoencoderColorizer must be a float in "
                          "[0, 1]; got 2"),
    (b'{"vividness": "high"}', "must be a float in [0, 1]; got 'high'"),
    (b'{"hints": [[1, 2]]}', "points[0] must be (row, col, color); got [1, 2]"),
    (b'{"hints": [[1, "a", "red"]]}', "points[0] must have whole-number pixel coordinates"),
    (b'{"hints": [[1, 2, "not a color"]]}', "points[0] has 'not a color', which is not a color"),
    (b'{"hints": [[256, 2, "red"]]}', "points[0] at (256, 2) is outside the 256×256 image"),
])
def test_a_bad_colorize_request_is_told_what_is_wrong(server, photo_bytes, request_body,
                                                      message):
    photo = server.upload(photo_bytes)
    status, _, body = server.request(f"/api/photos/{photo['id']}/colorize", request_body)
    assert status == 400 and message in json.loads(body)["error"]


@pytest.mark.parametrize("name, make, message", [
    ("notes.txt", lambda _: b"Dear diary,\n", "'notes.txt' is not a PNG, JPEG, BMP or TIFF"),
    ("empty.png", lambda _: b"", "'empty.png' is empty (0 bytes)"),
    ("cut.png", lambda data: data[:len(data) // 2], "'cut.png' is truncated or damaged"),
])
def test_a_file_that_is_not_a_usable_image_is_refused_by_name(server, photo_bytes, name, make,
                                                              message):
    status, _, body = server.request("/api/photos", make(photo_bytes), {"X-Filename": name})
    assert status == 400 and message in json.loads(body)["error"]


def test_a_huge_photo_is_refused_before_it_is_decoded(server):
    # A real 100-megapixel PNG: 10,000 × 10,000 gray pixels compress to about 100 kB.
    data = encode_image(np.zeros((10_000, 10_000), np.uint8))
    status, _, body = server.request("/api/photos", data, {"X-Filename": "big.png"})
    error = json.loads(body)["error"]
    assert status == 413
    assert "'big.png' declares 10000×10000 = 100,000,000 pixels" in error
    assert "50,000,000" in error and "--max-pixels" in error


def test_uploads_and_kept_photos_are_bounded(start_server, photo_bytes):
    server = start_server(max_upload_bytes=len(photo_bytes) - 1, max_photos=2)
    try:
        status, _, body = server.request("/api/photos", photo_bytes)
        assert status == 413 and "--max-upload-mb" in json.loads(body)["error"]
        small = encode_image(decode_image(photo_bytes, mode="gray")[:64, :64])
        first, second, third = (server.upload(small) for _ in range(3))
        assert len(server.colorizing.store) == 2
        status, _, body = server.colorize(first["id"])  # the oldest was forgotten
        assert status == 404 and "add it again" in json.loads(body)["error"]
        assert server.colorize(third["id"])[0] == 200
    finally:
        server.stop()


def test_a_model_without_hints_colorizes_and_refuses_hints(start_server, photo_bytes):
    from skcolor import load_pretrained

    server = start_server(load_pretrained("photos"))
    try:
        status, _, body = server.request("/api/config")
        assert json.loads(body)["hints"] is False
        photo = server.upload(photo_bytes)
        assert server.colorize(photo["id"])[0] == 200
        status, _, body = server.colorize(photo["id"], hints=[[1, 1, "red"]])
        assert status == 400 and "fitted without them (hints=False)" in json.loads(body)["error"]
    finally:
        server.stop()


def test_an_interrupted_upload_leaves_the_server_serving(server, photo_bytes):
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as connection:
        connection.sendall(b"POST /api/photos HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Length: 1000000\r\n\r\n" + photo_bytes[:1000])
    photo = server.upload(photo_bytes)  # the next one is served as usual
    assert server.colorize(photo["id"])[0] == 200


def test_concurrent_clients_get_their_own_results(server, photos_dir):
    """Two clients, three different photos each, at once: each gets its own photo's
    colorization, identical to the library's."""
    names = sorted(path.name for path in photos_dir.iterdir())[:6]
    datas = {name: (photos_dir / name).read_bytes() for name in names}
    results, errors = {}, []

    def client(mine):
        try:
            for name in mine:
                photo = server.upload(datas[name], name)
                status, _, body = server.colorize(photo["id"])
                assert status == 200
                results[name] = decode_image(body)
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(names[i::2],)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for name in names:
        np.testing.assert_array_equal(results[name], expected_colorization(server, datas[name]))


def test_the_page_and_its_files_are_served_and_small(server):
    total = 0
    for path in ("/", "/web/app.js", "/web/app.css"):
        status, _, body = server.request(path)
        assert status == 200
        total += len(body)
    assert total < 500_000
    status, _, body = server.request("/")
    assert b"http://" not in body and b"https://" not in body  # nothing from the network


def test_the_command_serves_until_interrupted_and_says_where(tmp_path):
    """The real command, as a user starts it: the address on stderr, the page there,
    Ctrl+C (SIGINT) stops it cleanly."""
    import urllib.request

    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    process = subprocess.Popen([sys.executable, "-m", "skcolor", "serve", "--port", "0"],
                               stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        line = ""
        while "open http" not in line:
            line = process.stderr.readline()
            assert line, "the command ended before serving"
        url = line.split("open ", 1)[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url, timeout=30) as response:
            assert b"skcolor" in response.read()
    finally:
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=60)
    assert process.returncode == 0, rest
    assert list(tmp_path.iterdir()) == []  # nothing written where it ran


def test_a_busy_port_or_an_exposed_host_is_reported(run_cli):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, _, err = run_cli("serve", "--port", port)
    assert status == 2 and f"cannot listen on 127.0.0.1 port {port}" in err
    assert "--port" in err


def test_an_exposed_host_is_warned_about(run_cli, monkeypatch):
    """--host 0.0.0.0 serves every computer that can reach this one: the command says so
    (the server itself is stubbed out: the test needs only what is said before it runs)."""
    import uvicorn

    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    status, _, err = run_cli("serve", "--host", "0.0.0.0", "--port", "0")
    assert status == 0
    assert "--host 0.0.0.0: the page is open to every computer that can reach this one" in err
    assert "open http://127.0.0.1:" in err and "skcolor serve: stopped" in err
