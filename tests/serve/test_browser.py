"""The page of ``skcolor serve`` in a real headless Chromium, driven by Playwright.

The browser is the system's Chromium (Debian's ``chromium`` package; another with
SKCOLOR_CHROMIUM); nothing downloads one. Without Playwright or a Chromium these
tests skip, saying why; with SKCOLOR_REQUIRE_BROWSER=1 (as in CI) they fail instead.
Set SKCOLOR_SCREENSHOTS to a folder to keep the page's screenshots.
"""

import os
from pathlib import Path

import numpy as np
import pytest

from skcolor.color import rgb_to_gray, rgb_to_ycbcr
from skcolor.io import decode_image, encode_image

@pytest.fixture
def open_page(browser, server):
    """``open_page(width=1280, height=800)``: a fresh page (own context) on the server,
    ready; its ``requested`` list holds every URL it asked for."""
    contexts = []

    def open_(width=1280, height=800):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.requested = []
        page.on("request", lambda request: page.requested.append(request.url))
        page.goto(server.url + "/")
        page.wait_for_selector("body[data-ready=true]")
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def screenshots(tmp_path):
    folder = Path(os.environ.get("SKCOLOR_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_done(page, hints=0):
    """Wait until the page shows the result of a request with ``hints`` hints."""
    text = "1 hint," if hints == 1 else f"{hints} hints,"
    page.wait_for_function(
        "text => document.querySelector('#work').dataset.state === 'done' && "
        "document.querySelector('#status').textContent.includes(text)", arg=text)


def download(page):
    """The PNG that the Download button gives, decoded."""
    with page.expect_download() as event:
        page.click("#download")
    return decode_image(Path(event.value.path()).read_bytes())


def click_pixel(page, row, col, size):
    """Click the colorized image at pixel (row, col) of a photo of ``size`` (H, W)."""
    box = page.locator("#color").bounding_box()
    page.click("#color", position={"x": (col + 0.5) / size[1] * box["width"],
                                   "y": (row + 0.5) / size[0] * box["height"]})


def chroma_change(a, b):
    """Cb + Cr change between two uint8 RGB images, in 0-255 levels."""
    change = np.abs(ycbcr(a) - ycbcr(b))[..., 1:]
    return change.sum(axis=-1)


def ycbcr(rgb):
    """Y, Cb, Cr of one uint8 RGB image, in 0-255 levels."""
    return rgb_to_ycbcr(rgb[np.newaxis])[0].astype(np.float64) * 255


def test_a_person_colorizes_hints_and_downloads_a_photo(open_page, server, photos_dir,
                                                        screenshots):
    photo_path = photos_dir / "bsds500_102062.jpg"  # 481×321: an orange car under trees
    size = (321, 481)
    car, trees = (slice(135, 200), slice(40, 140)), (slice(20, 100), slice(250, 450))
    page = open_page()
    page.set_input_files("#files", photo_path)
    wait_done(page)
    assert page.evaluate("[document.querySelector('#color').naturalWidth, "
                         "document.querySelector('#color').naturalHeight]") == [481, 321]
    automatic = download(page)
    gray = rgb_to_gray(decode_image(photo_path.read_bytes())[np.newaxis])[0]
    assert automatic.shape == (321, 481, 3)
    assert np.abs(automatic.astype(int) - gray.astype(int)).mean() > 2  # not the gray copy
    np.testing.assert_array_equal(automatic, server.colorizing.colorizer.predict([gray])[0])

    page.fill("#hint-color", "#d07020")
    click_pixel(page, 150, 100, size)  # on the car
    wait_done(page, hints=1)
    orange = download(page)
    change = chroma_change(orange, automatic)
    # Measured with the shipped model: car 42.0, trees 2.0 levels of Cb + Cr change,
    # and the car's Cr (red difference) up 18 levels.
    assert change[car].mean() > 25 and change[car].mean() > 5 * change[trees].mean()
    assert ycbcr(orange)[car][..., 2].mean() > ycbcr(automatic)[car][..., 2].mean() + 9

    page.fill("#hint-color", "#40a030")
    click_pixel(page, 60, 300, size)  # on the leaves
    wait_done(page, hints=2)
    green = download(page)
    # Measured: the leaves' Cr down 10 levels (towards green).
    assert ycbcr(green)[trees][..., 2].mean() < ycbcr(orange)[trees][..., 2].mean() - 5
    assert page.locator("#marks .mark").count() == 2
    page.screenshot(path=screenshots / "serve_page.png")

    page.click("#undo")
    wait_done(page, hints=1)
    np.testing.assert_array_equal(download(page), orange)
    page.click("#clear")
    wait_done(page, hints=0)
    np.testing.assert_array_equal(download(page), automatic)
    assert page.locator("#marks .mark").count() == 0

    # Nothing but the server (and the page's own in-memory results) was asked for.
    assert all(url.startswith((server.url, "blob:", "data:")) for url in page.requested)


def test_the_page_fits_a_phone(open_page, photos_dir, screenshots):
    page = open_page(390, 844)
    page.set_input_files("#files", photos_dir / "4.1.01.png")
    wait_done(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("#color").bounding_box()
    assert 300 < box["width"] <= 390
    page.screenshot(path=screenshots / "serve_phone.png", full_page=True)


def test_bad_files_are_named_on_the_page_and_the_server_keeps_serving(open_page, photos_dir,
                                                                      tmp_path):
    photo = (photos_dir / "4.1.06.png").read_bytes()
    bad = [
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"Dear diary,\n"},
        {"name": "empty.png", "mimeType": "image/png", "buffer": b""},
        {"name": "cut.png", "mimeType": "image/png", "buffer": photo[:len(photo) // 2]},
        {"name": "huge.png", "mimeType": "image/png",
         "buffer": encode_image(np.zeros((10_000, 10_000), np.uint8))},  # 100 megapixels
    ]
    good = {"name": "fine.png", "mimeType": "image/png", "buffer": photo}
    page = open_page()
    page.set_input_files("#files", [*bad, good])
    wait_done(page)
    message = page.inner_text("#message")
    assert "notes.txt: 'notes.txt' is not a PNG, JPEG, BMP or TIFF image" in message
    assert "empty.png: 'empty.png' is empty (0 bytes)" in message
    assert "cut.png: 'cut.png' is truncated or damaged" in message
    assert "huge.png: 'huge.png' declares 10000×10000 = 100,000,000 pixels" in message
    assert "fine.png" not in message
    assert page.locator("#photos button").count() == 1  # only the good one was added


def test_an_interrupted_request_is_reported_on_the_page(open_page, photos_dir):
    page = open_page()
    page.route("**/colorize", lambda route: route.abort("connectionreset"))
    page.set_input_files("#files", photos_dir / "4.1.06.png")
    page.wait_for_selector("#work[data-state=failed]")
    assert "connection to skcolor serve was lost" in page.inner_text("#message")
    page.unroute("**/colorize")
    page.fill("#vividness", "0.8")  # any change asks again, and now gets an answer
    page.dispatch_event("#vividness", "change")
    wait_done(page)


def test_two_clients_at_once_each_get_their_own_photos(open_page, server, photos_dir):
    names = ["bsds500_112056.jpg", "inet1k_n01496331_electric_ray.jpg", "4.1.06.png",
             "sunhays80_img_027_SRF_8_HR.jpg", "urban100_img_006_SRF_2_HR.jpg",
             "bsds500_189080.jpg"]
    pages = [open_page(), open_page()]
    mine = [names[0::2], names[1::2]]
    for page, files in zip(pages, mine):  # both upload and colorize at the same time
        page.set_input_files("#files", [photos_dir / name for name in files])
    for page, files in zip(pages, mine):
        page.wait_for_function("n => document.querySelectorAll('#photos button').length === n",
                               arg=len(files))
        for index, name in enumerate(files):
            page.locator("#photos button").nth(index).click()
            page.wait_for_function(
                "name => document.querySelector('#work').dataset.state === 'done' && "
                "document.querySelector('#status').textContent.startsWith(name)", arg=name)
            gray = rgb_to_gray(decode_image((photos_dir / name).read_bytes())[np.newaxis])
            np.testing.assert_array_equal(download(page),
                                          server.colorizing.colorizer.predict(gray)[0])
