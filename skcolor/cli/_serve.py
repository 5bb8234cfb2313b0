"""``skcolor serve``: colorize photos in a local web page (:mod:`skcolor.serve`).

This module parses, loads the model, and runs the server with uvicorn; the page and
its API are the app's.
"""

import ipaddress
import socket
import sys

from ._common import (
    CommandError,
    UsageError,
    add_model_argument,
    check_model_path,
    int_at_least,
    load_colorizer,
    positive_int,
    report,
)

NAME = "serve"
HELP = "colorize photos in a web page on this computer: drop, click to fix colors, download"
DESCRIPTION = """\
Start a web page on this computer that colorizes photos: drop or pick photos,
see the gray photo and its colorization side by side, set the vividness, click
on the photo to fix a color with a hint, and download the full-size PNG.

Nothing is uploaded anywhere but to this program, which keeps the photos in
memory only and forgets them when it stops; nothing is written to your folders
unless you download a result. The page loads nothing from the network.

By default the page is reachable from this computer only (--host 127.0.0.1).
The default model is the shipped photos-hints model, which takes hints; a
--model trained without hints colorizes but takes no hints.

Needs the serve extra: pip install "skcolor[serve]". Ctrl+C stops the server."""

# An interactive page must answer in about a second: a 50-megapixel photo takes
# a few seconds on two cores and about 1 GB while it is colorized.
_DEFAULT_MAX_PIXELS = 50_000_000
_DEFAULT_MAX_UPLOAD_MB = 64
# Photos kept for hint and vividness changes, and their total size.
_KEPT_PHOTOS = 64
_KEPT_BYTES = 1 << 30


def add_arguments(parser):
    """Declare ``serve``'s arguments on its subparser."""
    parser.add_argument(
        "--host", default="127.0.0.1",
        help="address to listen on (default: %(default)s, this computer only; 0.0.0.0 "
             "opens the page to every computer that can reach this one)",
    )
    parser.add_argument(
        "--port", type=int_at_least(0), default=8000,
        help="port to listen on (default: %(default)s; 0 picks a free one)",
    )
    add_model_argument(parser)
    parser.add_argument(
        "--open", action="store_true",
        help="open the page in the default web browser once the server is up",
    )
    parser.add_argument(
        "--max-pixels", type=positive_int, default=_DEFAULT_MAX_PIXELS, metavar="N",
        help="largest photo taken, in pixels (default: %(default)s)",
    )
    parser.add_argument(
        "--max-upload-mb", type=positive_int, default=_DEFAULT_MAX_UPLOAD_MB, metavar="MB",
        help="largest file taken, in megabytes (default: %(default)s)",
    )


def run(args):
    """Serve the page until interrupted; return the exit status."""
    if args.port > 65535:
        raise UsageError(f"--port {args.port}: ports run from 0 to 65535")
    check_model_path(args.model)
    uvicorn = _server_module()
    listener = _listen(args.host, args.port)  # before loading: a busy port fails at once
    colorizer = load_colorizer(args.model, pretrained="photos-hints")
    from ..serve import Colorizing, PhotoStore, create_app

    colorizing = Colorizing(colorizer, max_pixels=args.max_pixels,
                            max_upload_bytes=args.max_upload_mb * 1_000_000,
                            store=PhotoStore(_KEPT_PHOTOS, _KEPT_BYTES))
    colorizing.warm_up()
    url = page_url(listener)
    if not _is_loopback(args.host):
        report(NAME, f"--host {args.host}: the page is open to every computer that can reach "
                     "this one on the network, and anyone there can use it")
    if not colorizing.hinted:
        report(NAME, "this model was trained without hints: the page colorizes, but takes "
                     "no hints")
    print(f"skcolor serve: open {url} in your browser (Ctrl+C stops)", file=sys.stderr,
          flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(url)
    config = uvicorn.Config(create_app(colorizing), log_level="warning", access_log=False)
    try:
        uvicorn.Server(config).run(sockets=[listener])
    except KeyboardInterrupt:  # Ctrl+C is how a server is meant to stop: not a failure
        pass
    print("skcolor serve: stopped", file=sys.stderr, flush=True)
    return 0


def _server_module():
    try:
        import starlette  # noqa: F401
        import uvicorn
    except ImportError as exc:
        raise CommandError(f"skcolor serve needs the serve extra ({exc.name} is missing): "
                           'pip install "skcolor[serve]"') from exc
    return uvicorn


def _listen(host, port):
    """A socket bound to ``host``:``port`` and listening, or CommandError saying why not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UsageError(f"--host {host}: not an address of this computer ({exc.strerror})")
    family, kind, proto, _, address = infos[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
        listener.listen(128)
    except OSError as exc:
        listener.close()
        raise CommandError(f"cannot listen on {host} port {port} ({exc.strerror}); is another "
                           "server using it? Pick another with --port") from exc
    return listener


def page_url(listener):
    """The page's address for a listening socket."""
    host, port = listener.getsockname()[:2]
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def _is_loopback(host):
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
