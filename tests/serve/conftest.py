"""A real ``skcolor serve`` app, run by uvicorn in a thread, for the page's tests.

The server is the command's own app around the shipped photos-hints model; tests
talk to it over HTTP, as the page does. Without the serve extra these tests skip.
"""

import json
import threading
import time
import urllib.error
import urllib.request

import pytest

pytest.importorskip("starlette", reason="skcolor serve needs the serve extra: "
                                         'pip install "skcolor[serve]"')
uvicorn = pytest.importorskip("uvicorn", reason="skcolor serve needs the serve extra: "
                                                 'pip install "skcolor[serve]"')


class RunningServer:
    """A served app: its base ``url`` and its ``colorizing`` state."""

    def __init__(self, colorizing):
        from skcolor.cli._serve import _listen, page_url
        from skcolor.serve import create_app

        self.colorizing = colorizing
        listener = _listen("127.0.0.1", 0)
        self.url = page_url(listener).rstrip("/")
        config = uvicorn.Config(create_app(colorizing), log_level="warning", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run,
                                        kwargs={"sockets": [listener]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    def stop(self):
        self._server.should_exit = True
        self._thread.join(timeout=30)

    def request(self, path, data=None, headers=None, method=None):
        """``(status, headers, body bytes)`` of one request; errors are answers too."""
        request = urllib.request.Request(self.url + path, data=data, headers=headers or {},
                                         method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def upload(self, data, name="photo.png"):
        """Upload ``data``; return the JSON answer (and assert that it succeeded)."""
        status, _, body = self.request("/api/photos", data,
                                       {"X-Filename": urllib.request.quote(name)})
        assert status == 200, body
        return json.loads(body)

    def colorize(self, photo_id, **request):
        return self.request(f"/api/photos/{photo_id}/colorize", json.dumps(request).encode(),
                            {"Content-Type": "application/json"})


def _start_server(colorizer=None, **limits):
    """A RunningServer around ``colorizer`` (default: the shipped photos-hints model)."""
    from skcolor import load_pretrained
    from skcolor.serve import Colorizing, PhotoStore

    colorizing = Colorizing(
        load_pretrained("photos-hints") if colorizer is None else colorizer,
        max_pixels=limits.get("max_pixels", 50_000_000),
        max_upload_bytes=limits.get("max_upload_bytes", 64_000_000),
        store=PhotoStore(limits.get("max_photos", 64), limits.get("max_bytes", 1 << 30)),
    )
    colorizing.warm_up()
    return RunningServer(colorizing)


@pytest.fixture(scope="session")
def start_server():
    """``start_server(colorizer=None, **limits)``: a RunningServer to ``stop()`` after use,
    around ``colorizer`` (default: the shipped photos-hints model) with limits
    ``max_pixels``, ``max_upload_bytes``, ``max_photos``, ``max_bytes``."""
    return _start_server


@pytest.fixture(scope="module")
def server():
    """The page's server with the shipped hint model and the command's default limits."""
    running = _start_server()
    yield running
    running.stop()
