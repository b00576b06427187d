"""The end-to-end tests' browser (headless Chromium, see the root conftest) and console sign-in."""

import re
from collections.abc import Iterator

import pytest


@pytest.fixture
def browser(launch_chromium) -> Iterator[object]:
    """A headless Chromium for one test (the root conftest launches it)."""
    with launch_chromium() as b:
        yield b


def _console_sign_in(page, url: str, console: str, user: str, password: str) -> None:
    """Open ``/console/<console>.html`` signed out, sign in as ``user``, land back on it."""
    page.goto(f"{url}/console/{console}.html")
    page.wait_for_url(re.compile(r"/login\.html\?next="), timeout=15_000)
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_url(re.compile(rf"/console/{console}\.html$"), timeout=15_000)


@pytest.fixture
def console_sign_in():
    """``console_sign_in(page, url, console, user, password)``: sign in to an operator console."""
    return _console_sign_in
