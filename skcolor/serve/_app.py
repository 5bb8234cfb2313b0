"""The web page of ``skcolor serve``: a small Starlette (ASGI) app around one colorizer.

The page (``web/``: one HTML, one script, one style sheet, no framework, nothing from
the network) uploads a photo's bytes, then asks for its colorization as often as the
user changes the vividness or the hints. Only the gray photos are kept, in memory,
in a bounded store; the colorized PNG goes straight back to the browser, which
offers it for download. Nothing is written to disk.

Routes
------
``GET /``
    The page. ``GET /web/<file>`` serves its script and style sheet.
``GET /api/config``
    What the page needs to know: whether the model takes hints, its vividness and
    the upload limits.
``POST /api/photos``
    The body is an image file's bytes (``X-Filename`` may name it). Answers
    ``{"id", "width", "height", "name"}``, or an error.
``GET /api/photos/{id}/gray.png``
    The photo's luminance, as the model sees it.
``POST /api/photos/{id}/colorize``
    JSON ``{"vividness": float or null, "hints": [[row, col, "#rrggbb"], ...]}``;
    answers the full-size colorized PNG.

Errors answer ``{"error": message}`` with a 4xx status: 400 for what cannot be
used, 404 for a photo the store no longer holds, 413 for a file over the limits.
"""

import collections
import json
import secrets
import threading
import time
from pathlib import Path

import numpy as np

#: Where the page's files are, inside the package.
WEB_FILES = Path(__file__).resolve().parent / "web"

# Radius, in pixels of the full-size photo, of each hinted disc: big enough to
# cover a working-size pixel of a large photo, small enough to stay in one region.
_HINT_RADIUS_FRACTION = 0.006


class PhotoStore:
    """The uploaded photos' luminance, by id, in memory, oldest dropped first.

    Parameters
    ----------
    max_photos : int
        Photos kept; uploading one more forgets the least recently used.
    max_bytes : int
        Total size of the kept luminance planes; the same rule applies.
    """

    def __init__(self, max_photos, max_bytes):
        self.max_photos = max_photos
        self.max_bytes = max_bytes
        self._photos = collections.OrderedDict()
        self._lock = threading.Lock()

    def add(self, gray, name):
        """Keep ``gray`` ``(H, W, 1)`` uint8 under a new id; return the id."""
        photo_id = secrets.token_urlsafe(9)
        with self._lock:
            self._photos[photo_id] = (gray, name)
            while len(self._photos) > 1 and (len(self._photos) > self.max_photos
                                             or self.nbytes > self.max_bytes):
                self._photos.popitem(last=False)
        return photo_id

    def get(self, photo_id):
        """``(gray, name)`` of the photo ``photo_id``; KeyError if it is not kept."""
        with self._lock:
            self._photos.move_to_end(photo_id)
            return self._photos[photo_id]

    @property
    def nbytes(self):
        return sum(gray.nbytes for gray, _ in self._photos.values())

    def __len__(self):
        return len(self._photos)


class RequestError(Exception):
    """What the page is told when a request cannot be served: a message and a status."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def parse_colorize_request(body):
    """``(vividness, points)`` from the JSON ``body`` of a colorize request.

    Only the request's form is checked here; the values are the library's to
    judge (the vividness by ``predict``, the points by
    :func:`skcolor.hints.from_points`), and their errors reach the page as they are.

    Parameters
    ----------
    body : bytes
        ``{"vividness": number or null, "hints": [[row, col, color], ...]}``, both
        keys optional.

    Raises
    ------
    RequestError
        If the body is not such a JSON object.
    """
    try:
        request = json.loads(body or b"{}")
    except ValueError:
        request = None
    if not isinstance(request, dict) or not isinstance(request.get("hints", []), list):
        raise RequestError('the request must be JSON of the form {"vividness": 0.5, '
                           '"hints": [[row, col, "#rrggbb"], ...]}')
    return request.get("vividness"), request.get("hints") or []


class Colorizing:
    """The server's colorizer, the photo store and the limits, shared by all requests.

    Inference runs one request at a time under a lock: Keras models are not safe
    to call from several threads at once, and two requests on two CPU cores would
    not finish sooner together than one after the other.

    Parameters
    ----------
    colorizer : AutoencoderColorizer
        Fitted.
    max_pixels : int
        Largest photo accepted, in pixels.
    max_upload_bytes : int
        Largest file accepted, in bytes.
    store : PhotoStore
    """

    def __init__(self, colorizer, *, max_pixels, max_upload_bytes, store):
        self.colorizer = colorizer
        self.max_pixels = max_pixels
        self.max_upload_bytes = max_upload_bytes
        self.store = store
        self._predict_lock = threading.Lock()

    @property
    def hinted(self):
        return bool(getattr(self.colorizer, "hints", False))

    def warm_up(self):
        """Colorize two blank photos, one wide and one tall, before the first user's.

        Keras traces its prediction graph for the first input shape and, with
        shapes left open, for the second: about half a second each on two cores,
        which the first two photos would otherwise wait for.
        """
        for shape in ((48, 64, 1), (64, 48, 1)):
            self.colorizer.predict([np.zeros(shape, np.uint8)])

    def config(self):
        """What the page is told about the model and the limits."""
        return {
            "hints": self.hinted,
            "vividness": float(self.colorizer.vividness),
            "max_pixels": self.max_pixels,
            "max_upload_bytes": self.max_upload_bytes,
        }

    def add_photo(self, data, name):
        """Decode an upload's bytes and keep its luminance; return the page's answer."""
        from ..color import rgb_to_gray
        from ..io import ImageTooLargeError, decode_image

        try:
            rgb = decode_image(data, name=repr(name), max_pixels=self.max_pixels)
        except ImageTooLargeError as exc:
            raise RequestError(f"{exc} (skcolor serve --max-pixels sets it)", 413) from exc
        except ValueError as exc:
            raise RequestError(str(exc)) from exc
        gray = rgb_to_gray(rgb[np.newaxis])[0]
        del rgb
        photo_id = self.store.add(gray, name)
        return {"id": photo_id, "width": int(gray.shape[1]), "height": int(gray.shape[0]),
                "name": name}

    def photo(self, photo_id):
        try:
            return self.store.get(photo_id)
        except KeyError:
            raise RequestError("this photo is no longer on the server (it keeps the most "
                               "recent ones, and forgets all when it stops); add it again",
                               404) from None

    def gray_png(self, photo_id):
        from ..io import encode_image

        gray, _ = self.photo(photo_id)
        return encode_image(gray)

    def colorized_png(self, photo_id, body):
        """The colorized photo as PNG bytes, and the seconds inference took."""
        from ..hints import from_points
        from ..io import encode_image
        from ..batch import with_predict_params

        gray, _ = self.photo(photo_id)
        vividness, points = parse_colorize_request(body)
        start = time.perf_counter()
        try:
            colorizer = with_predict_params(self.colorizer, {"vividness": vividness})
            hints = None
            if points:
                radius = max(2, round(_HINT_RADIUS_FRACTION * max(gray.shape[:2])))
                hints = [from_points(gray.shape, points, radius=radius)]
            with self._predict_lock:
                rgb = colorizer.predict([gray], hints=hints)[0]
        except (TypeError, ValueError) as exc:  # the library's word on a bad value
            raise RequestError(str(exc)) from exc
        seconds = time.perf_counter() - start
        return encode_image(rgb), seconds


def create_app(colorizing):
    """The Starlette app serving the page and its API around ``colorizing``.

    Parameters
    ----------
    colorizing : Colorizing

    Returns
    -------
    app : starlette.applications.Starlette
    """
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import ClientDisconnect
    from starlette.responses import FileResponse, JSONResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    def error(message, status):
        return JSONResponse({"error": message}, status_code=status)

    async def served(work, *args, answer):
        """``answer(work(*args))``, the work run off the event loop; a RequestError
        becomes the error's answer."""
        try:
            result = await run_in_threadpool(work, *args)
        except RequestError as exc:
            return error(str(exc), exc.status)
        return answer(result)

    def png(data, headers=None):
        return Response(data, media_type="image/png", headers=headers)

    def timed_png(result):
        data, seconds = result
        return png(data, {"Server-Timing": f"colorize;dur={seconds * 1000:.1f}"})

    async def read_upload(request):
        """The request's body, refused as soon as it is known to be over the limit."""
        limit = colorizing.max_upload_bytes
        declared = request.headers.get("content-length")
        too_large = RequestError(f"the file is larger than the {limit / 1e6:.0f} MB this "
                                 "server takes (skcolor serve --max-upload-mb)", 413)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
        return b"".join(chunks)

    async def page(request):
        return FileResponse(WEB_FILES / "index.html", headers={"Cache-Control": "no-cache"})

    async def config(request):
        return JSONResponse(colorizing.config())

    async def upload(request):
        from urllib.parse import unquote

        name = unquote(request.headers.get("x-filename", "")) or "the upload"
        try:
            data = await read_upload(request)
        except RequestError as exc:
            return error(str(exc), exc.status)
        except ClientDisconnect:  # the browser went away mid-upload: nobody to answer
            return Response(status_code=400)
        return await served(colorizing.add_photo, data, name, answer=JSONResponse)

    async def gray(request):
        return await served(colorizing.gray_png, request.path_params["photo_id"], answer=png)

    async def colorize(request):
        try:
            body = await request.body()
        except ClientDisconnect:
            return Response(status_code=400)
        return await served(colorizing.colorized_png, request.path_params["photo_id"], body,
                            answer=timed_png)

    routes = [
        Route("/", page),
        Route("/api/config", config),
        Route("/api/photos", upload, methods=["POST"]),
        Route("/api/photos/{photo_id}/gray.png", gray),
        Route("/api/photos/{photo_id}/colorize", colorize, methods=["POST"]),
        Mount("/web", StaticFiles(directory=WEB_FILES), name="web"),
    ]
    return Starlette(routes=routes)
