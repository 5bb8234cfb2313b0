"""A Sphinx-Gallery image scraper for matplotlib Figures made without pyplot.

skcolor.plotting (and the examples, following it) build ``matplotlib.figure.Figure``
objects directly, so that they work headless and leave pyplot's global state alone.
Sphinx-Gallery's own matplotlib scraper only sees the figures that pyplot manages;
this one saves every new Figure found among an example's variables after each
code block.
"""

from sphinx_gallery.scrapers import figure_rst

__all__ = ["scrape_figures"]


def scrape_figures(block, block_vars, gallery_conf):
    """Save the pyplot-less Figures that ``block`` created; return their reST."""
    from matplotlib.figure import Figure

    # block_vars lives as long as one example: remember what it has shown (the
    # objects themselves, so that a collected figure's id cannot be mistaken).
    shown = block_vars.setdefault("skcolor_figures_shown", [])
    paths = []
    for value in list(block_vars["example_globals"].values()):
        if not isinstance(value, Figure) or any(value is figure for figure in shown):
            continue
        shown.append(value)
        if value.canvas.manager is not None:  # a pyplot figure: the matplotlib scraper's
            continue
        path = next(block_vars["image_path_iterator"])
        value.savefig(path)
        paths.append(path)
    return figure_rst(paths, gallery_conf["src_dir"])
