"""A web page that colorizes photos: the application behind ``skcolor serve``.

``create_app(Colorizing(colorizer, ...))`` is an ASGI application (Starlette),
which any ASGI server runs; ``skcolor serve`` runs it with uvicorn. It needs the
serve extra (``pip install "skcolor[serve]"``), imported only when an app is
created. Nothing here imports the command line.

The package holds this module, the private ``_app`` (the photo store, the
colorizer shared by all requests, and the routes) and ``web/``, the page itself:
one HTML file, one script and one style sheet, loading nothing from the network.
These names are not part of the documented API yet.
"""

from ._app import Colorizing, PhotoStore, create_app

__all__ = ["Colorizing", "PhotoStore", "create_app"]
