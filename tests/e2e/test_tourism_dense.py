"""The demo's dense-crowd camera in the console (headless Chromium): the density model's count
reaches the operator in the hundreds.

It shares the vision stack of tests/integration/test_tourism_gateway.py (same ``STACK_ENV``), so
the stack's first density maps are usually there before this test starts.
"""

import re

STACK_ENV = {"Z5G_VISION_ENABLED": "true"}


def test_dense_demo_camera_shows_a_count_in_the_hundreds(stack, browser, console_sign_in):
    """The demo's fair-square camera plays real ShanghaiTech A crowd photos (350-1,535 people,
    shared/testdata/crowd_counting), where the person detector saturates: the density model's
    count reaches the console in the hundreds."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    console_sign_in(page, stack["url"], "tourism", "jueshan-ops", stack["password"])
    count = page.get_by_test_id("zone-count-jueshan-fair-square")
    # The first density map comes a few seconds after the first frame (one every 10 s a camera).
    count.filter(has_text=re.compile(r"^\d{3,}$")).wait_for(timeout=120_000)
    assert 100 <= int(count.inner_text()) <= 3000
    assert errors == []
