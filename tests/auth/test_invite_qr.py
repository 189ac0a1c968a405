"""The invite's QR code scales whole (a viewBox, no fixed size) and, as a phone's camera would
see it on the page, decodes to the invite link."""

import io
import re
from datetime import date

import pytest

from app.auth.invites import qr_code_svg
from tests.browser.fixtures import settle


def test_the_svg_has_a_viewbox_and_no_fixed_size(app):
    with app.test_request_context():
        svg = str(qr_code_svg("https://trellis.example.org/invite/abc"))
    opening = svg[:svg.index(">")]
    assert re.search(r'viewBox="0 0 \d+ \d+"', opening)
    assert "width=" not in opening and "height=" not in opening


@pytest.mark.browser
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_rendered_qr_code_decodes_to_the_invite_link(device, open_page, sign_in, world):
    import zxingcpp
    from PIL import Image

    page = open_page(device)
    sign_in(page, world.clinician_a, lands_on="/clinician/")
    page.goto("/clinician/invites/new")
    page.locator("[name=display_name]").fill("Jordan")
    page.locator("[name=email]").fill("jordan@example.org")
    page.locator("[name=start_date]").fill(date.today().isoformat())
    page.get_by_role("button", name=re.compile("invit", re.I)).click()
    page.wait_for_url("**/invites/new")
    settle(page)
    link = page.locator(".copy-field").input_value()
    figure = page.locator("figure.qr svg")
    box = figure.bounding_box()
    assert box["width"] >= 150 and abs(box["width"] - box["height"]) < 2  # whole and square
    image = Image.open(io.BytesIO(figure.screenshot()))
    decoded = [result.text for result in zxingcpp.read_barcodes(image)]
    assert decoded == [link] and "/invite/" in link
