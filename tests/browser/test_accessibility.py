"""Every page a persona reaches from the menu, on a laptop (1440 px) and a phone (390 px): nothing
wider than the screen (a wide table scrolls in its own box), no serious or critical WCAG 2.2 AA
violation found by axe-core, and a focus that keyboard users can see."""

import pytest
from playwright.sync_api import expect

from accord.demo.personas import DEMO_PASSWORD
from accord.demo.services import do_load_demo
from tests.browser.conftest import _wait_for_server_threads

pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = [1440, 390]
PERSONAS = [
    "marketing.head@demo.accord",
    "sales.head@demo.accord",
    "marketer1@demo.accord",
    "rep1@demo.accord",
    "admin@demo.accord",
]
# Django's own admin and the API's Swagger UI are other projects' screens: they are checked for
# width only, not for axe's findings in markup Accord does not write.
NOT_OURS = ("/admin/", "/api/v1/docs")
TABS = 6  # the first stops of each page: the menu, then the page's own controls
# Pages reached from the header or another page rather than the menu, and who reaches them.
OFF_MENU = {
    "/notifications/": PERSONAS,
    "/notifications/settings/": PERSONAS,
    "/goals/digest/": ["admin@demo.accord"],
}


@pytest.fixture
def demo_company(transactional_db):
    do_load_demo(seed=7, size="tiny", progress=False)


def _menu(page) -> list[str]:
    """The menu's links, as a person finds them: on a phone behind the Menu button."""
    button = page.get_by_role("button", name="Menu")
    if button.is_visible():
        button.click()
    return (
        page.get_by_role("navigation", name="Main")
        .get_by_role("link")
        .evaluate_all("links => links.map(link => link.getAttribute('href'))")
    )


def _too_wide(page) -> int | None:
    width, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return width if width > screen else None


def _serious_violations(page, axe_source: str) -> list[str]:
    page.evaluate(axe_source)
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations']})
          .then(result => result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join()))""",
        WCAG_22_AA,
    )


def _focus_not_shown(page) -> list[str]:
    """The first stops of the keyboard's Tab that show no outline of at least 2 px."""
    hidden = []
    page.locator("body").focus()
    for _ in range(TABS):
        page.keyboard.press("Tab")
        shown = page.evaluate(
            """() => {
              const el = document.activeElement;
              if (!el || el === document.body) return null;
              const s = getComputedStyle(el);
              const seen = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
              return [el.outerHTML.slice(0, 80), seen];
            }"""
        )
        if shown and not shown[1]:
            hidden.append(shown[0])
    return hidden


def test_every_page_of_the_menu_fits_the_screen_and_passes_axe(
    browser, live_server, demo_company, axe_source
):
    problems = []
    for email in PERSONAS:
        for width in WIDTHS:
            problems += _check_the_menu(browser, live_server.url, email, width, axe_source)
    assert problems == []


def _check_the_menu(browser, base_url: str, email: str, width: int, axe_source: str) -> list[str]:
    problems = []
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    menu = _menu(page)
    assert menu, f"{email} sees no menu"
    for url in menu + [url for url, who in OFF_MENU.items() if email in who]:
        where = f"{email} at {width} px on {url}"
        page.goto(url)
        expect(page.locator("[aria-busy=true]")).to_have_count(0)  # panels still loading
        if wide := _too_wide(page):
            problems.append(f"{where}: the page is {wide} px wide")
        if url.startswith(NOT_OURS):
            continue
        problems += [f"{where}: {v}" for v in _serious_violations(page, axe_source)]
        if width == WIDTHS[0]:  # the keyboard, checked once per page
            problems += [f"{where}: no visible focus on {el}" for el in _focus_not_shown(page)]
    context.close()
    _wait_for_server_threads()
    return problems
