"""The README's screenshots: the main pages as each persona sees them, on a wide screen (1440
px) and a phone (390 px), taken from the demo company in headless Chromium.

    python docs/screens/make_screens.py             # a fresh small demo (seed 42), then dropped
    python docs/screens/make_screens.py --existing  # the database of DATABASE_URL / ACCORD_DATA_DIR

Serves the demo with `accord serve` on loopback, logs each persona in with Playwright and saves
the top of each page (the first screenful, not the whole length) as PNG under docs/screens/,
reduced to a 256-colour palette: a third of the size, and text stays sharp.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "accord-demo"
WIDTHS = {"wide": (1440, 900), "phone": (390, 844)}

# (file name, persona, address): the pages a marketer, a sales head and a rep work in all day
SCREENS = [
    ("home-rep", "rep1@demo.accord", "/"),
    ("inbox", "sales.head@demo.accord", "/inbox/"),
    ("lead", "rep1@demo.accord", "/inbox/#first"),
    ("agreement-editor", "marketer1@demo.accord", "/agreement/propose/"),
    ("dashboard", "marketing.head@demo.accord", "/dashboard/"),
    ("people", "marketer1@demo.accord", "/people/"),
    ("campaigns", "marketer1@demo.accord", "/campaigns/"),
    ("search", "sales.head@demo.accord", "/search/?q=garc"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def accord(*args: str, env: dict, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "accord", *args], env=env, **kwargs)


def wait_ready(base: str) -> None:
    for _ in range(600):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def shrink(path: Path) -> None:
    """A palette of 256 colours instead of millions: the UI's flat colours survive."""
    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)


def take(base: str) -> list[Path]:
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"]
        )
        for width_name, (width, height) in WIDTHS.items():
            for persona in dict.fromkeys(persona for _, persona, _ in SCREENS):
                context = browser.new_context(
                    base_url=base, viewport={"width": width, "height": height}
                )
                page = context.new_page()
                page.goto("/login/")
                page.get_by_label("E-mail").fill(persona)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.wait_for_load_state("networkidle")
                for name, who, address in SCREENS:
                    if who != persona:
                        continue
                    page.goto(address.removesuffix("#first"))
                    if address.endswith("#first"):  # the first lead, opened in its panel
                        page.keyboard.press("j")
                        page.keyboard.press("o")
                    page.wait_for_load_state("networkidle")
                    path = HERE / f"{name}-{width_name}.png"
                    page.screenshot(path=str(path))
                    shrink(path)
                    saved.append(path)
                context.close()
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--existing", action="store_true", help="use DATABASE_URL's database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "ACCORD_SECURE_COOKIES": "false"}
        if not args.existing:
            env |= {
                "ACCORD_DATA_DIR": folder,
                "DATABASE_URL": f"sqlite:///{folder}/accord.sqlite3",
            }
            demo = ["demo", "--no-serve", "--size", "small", "--seed", "42"]
            accord(*demo, env=env, stdout=subprocess.DEVNULL).wait()
        port = free_port()
        server = accord(
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base)
            for path in take(base):
                print(f"{path.relative_to(HERE.parent.parent)}: {path.stat().st_size:,} bytes")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
