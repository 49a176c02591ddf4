"""Headless Chromium (Debian's `chromium`) driven by Playwright against the live server."""

import os
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connection, connections
from django.test.testcases import LiveServerThread

from accord.teams.models import User

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "accord-demo"
# npm's axe-core, pinned in tests/browser/package.json; .ci/run installs it with npm ci
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


class OneRequestAtATime(WSGIServer):
    """The live server thread answers each request itself, on the connection it was given."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def one_request_at_a_time_on_sqlite():
    """On SQLite the live server shares the tests' in-memory database connection with every
    request thread, and one connection used from several threads at once can hang: pages that
    load their panels in parallel (the dashboard) did. There the live server answers one request
    at a time, as Django's own live server tests did; PostgreSQL keeps the threaded server."""
    if connection.vendor != "sqlite":
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LiveServerThread, "server_class", OneRequestAtATime)
        yield


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        message = f"{AXE} is missing: run `npm ci --prefix tests/browser` (.ci/run does)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the tests of a module.

    While Playwright's sync API is started, its event loop counts as running in this thread:
    Django then refuses the ORM (unless DJANGO_ALLOW_ASYNC_UNSAFE) and keeps a separate set of
    database connections, and asyncio.run() fails. So Playwright runs only around the browser
    tests, the ORM is allowed only meanwhile, and the connections of either set are closed when
    it starts and stops, leaving none open behind it.
    """
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        connections.close_all()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
            connections.close_all()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
    _wait_for_server_threads()


def _wait_for_server_threads() -> None:
    """Let the live server finish the requests of a closed browser context.

    Chromium keeps its connections alive, and each one holds a server thread with its own database
    connection; once the context is closed those threads end and close their connections. Waiting
    for them keeps the next test's flush and the final drop of the test database from meeting them.
    """
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=10)


@pytest.fixture
def rep3(sales_team):
    return User.objects.create_user(
        "rep3@demo.accord",
        password=PASSWORD,
        team=sales_team,
        role=User.Role.REP,
        full_name="Jonas Rep",
    )


@pytest.fixture
def rep4(sales_team):
    return User.objects.create_user(
        "rep4@demo.accord",
        password=PASSWORD,
        team=sales_team,
        role=User.Role.REP,
        full_name="Aiko Rep",
    )


@pytest.fixture
def log_in(page):
    """Log in through the login form, as a person would."""

    def log_in(email: str, password: str = PASSWORD) -> None:
        page.goto("/login/")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()

    return log_in
