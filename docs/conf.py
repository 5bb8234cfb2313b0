"""Sphinx configuration of skcolor's documentation.

Build it from the repository root (the same command as CI)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

import logging
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
sys.path.insert(0, str(REPO))  # document this checkout, installed or not
sys.path.insert(0, str(DOCS / "_ext"))

# The gallery reads CIFAR-10 from the data folder that the tests use
# (../shared/data beside the repository) when it is there, instead of downloading it.
_SHARED_DATA = REPO.parent / "shared" / "data"
if _SHARED_DATA.is_dir():
    os.environ.setdefault("SKCOLOR_DATA", str(_SHARED_DATA))
# TensorFlow's start-up notes, and its note on retracing that every freshly built
# model triggers (the grid search builds eight), would fill the gallery's output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
logging.getLogger("tensorflow").setLevel(logging.ERROR)

import skcolor  # noqa: E402

project = "skcolor"
author = "the skcolor developers"
copyright = "the skcolor developers"
release = skcolor.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "README.md", "**.ipynb_checkpoints"]
templates_path = ["_templates"]

# --- API reference --------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "inherited-members": False}
# Members are listed by the autosummary class template (docs/_templates), not by
# numpydoc, whose own member tables would point at pages that are never generated.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False


# --- Gallery --------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("skcolor",),
    "reference_url": {"skcolor": None},
    "remove_config_comments": True,
    "show_memory": False,
    "matplotlib_animations": False,
    "download_all_examples": False,
    # The examples draw with skcolor.plotting's pyplot-less Figures and end a
    # section with the bare figure: show those as images, not as their repr.
    "image_scrapers": ("matplotlib", "gallery_figures.scrape_figures"),
    "capture_repr": (),
}

# --- Markdown pages (benchmarks, model card) ------------------------------------
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

# --- HTML -----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skcolor {release}"
html_static_path = ["_static"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
}
html_sidebars = {"**": ["sidebar-nav-bs"]}
html_show_sourcelink = False
