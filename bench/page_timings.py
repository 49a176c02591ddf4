"""The daily pages as a browser loads them: each list page, the search, the inbox and a
keystroke in the lead-definition editor, served by `accord serve` on loopback and asked for by
the persona who works in them, beside Django admin's list of the same records (the peer), and
the dashboard's panels as the marketing head loads them (`--after-change`: each right after a
lead arrives and another becomes an MQL).

    accord demo --size large --no-serve
    python bench/page_timings.py                  # the database of DATABASE_URL / ACCORD_DATA_DIR
    python bench/page_timings.py --requests 40 --only inbox
    python bench/page_timings.py --only dashboard --after-change

Starts one server process (one worker, one thread, so requests never wait behind each other),
logs each persona in, asks for every page a few times to warm it, then `--requests` times.
*Server* is the time the server logs for the request (`duration_ms` of its JSON request log,
found by the request's `X-Request-ID`); *browser* is from sending the request to the last byte
of the HTML, as this client sees it. Prints p50 and p95 of each, and the page's server p95 as a
ratio to its peer's.
"""

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

import requests

PASSWORD = "accord-demo"
TARGET_MS = 300


@dataclass(frozen=True)
class Page:
    name: str
    persona: str
    url: str
    peer: str | None = None  # the name of the page it is compared with
    form: str | None = None  # a POST of the editor's fields: their source page
    typed: str = "threshold-min_total"  # the editor's field each request types anew


MARKETER, SALES_HEAD, REP, ADMIN, MARKETING_HEAD = (
    "marketer1@demo.accord",
    "sales.head@demo.accord",
    "rep1@demo.accord",
    "admin@demo.accord",
    "marketing.head@demo.accord",
)
PAGES = [
    Page("admin: people", ADMIN, "/admin/crm/person/"),
    Page("admin: accounts", ADMIN, "/admin/crm/account/"),
    Page("admin: deals", ADMIN, "/admin/crm/opportunity/"),
    Page("admin: campaigns", ADMIN, "/admin/touchpoints/campaign/"),
    Page("admin: handoffs", ADMIN, "/admin/handoff/handoff/"),
    Page("people", MARKETER, "/people/", "admin: people"),
    Page("people, found by text", MARKETER, "/people/?q=garc", "admin: people"),
    Page("people, by name", MARKETER, "/people/?sort=name", "admin: people"),
    Page("people, page 100", MARKETER, "/people/?page=100", "admin: people"),
    Page("people (sales head)", SALES_HEAD, "/people/", "admin: people"),
    Page("people (rep)", REP, "/people/", "admin: people"),
    Page("accounts", MARKETER, "/accounts/", "admin: accounts"),
    Page("accounts, found by text", MARKETER, "/accounts/?q=tech", "admin: accounts"),
    Page("accounts (sales head)", SALES_HEAD, "/accounts/?sort=-employees", "admin: accounts"),
    Page("deals (sales head)", SALES_HEAD, "/opportunities/", "admin: deals"),
    Page("deals, by amount", SALES_HEAD, "/opportunities/?sort=-amount", "admin: deals"),
    Page("deals (rep)", REP, "/opportunities/", "admin: deals"),
    Page("campaigns", MARKETER, "/campaigns/", "admin: campaigns"),
    Page("search", MARKETER, "/search/?q=garc", "admin: people"),
    Page("inbox (sales head)", SALES_HEAD, "/inbox/", "admin: handoffs"),
    Page("inbox, overdue (sales head)", SALES_HEAD, "/inbox/?clock=overdue", "admin: handoffs"),
    Page("inbox, found by text", SALES_HEAD, "/inbox/?q=garc", "admin: handoffs"),
    Page("inbox (rep)", REP, "/inbox/", "admin: handoffs"),
    *(
        Page(f"dashboard: {name}", MARKETING_HEAD, f"/dashboard/panels/{name}/")
        for name in ("funnel", "velocity", "leakage", "sla", "pipeline", "attribution", "roi")
    ),
    Page(
        "editor keystroke (live count)",
        MARKETER,
        "/agreement/editor/preview/",
        form="/agreement/propose/",
    ),
    Page(
        "editor keystroke in the engagement rules (live count)",
        MARKETER,
        "/agreement/editor/preview/",
        form="/agreement/propose/",
        typed="decay-half_life_days",
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`accord serve` in a child process, its request log read as it comes."""

    def __init__(self, port: int):
        env = {
            **os.environ,
            "ACCORD_LOG_FORMAT": "json",
            "ACCORD_LOG_LEVEL": "INFO",  # a line for every request
            "ACCORD_SECURE_COOKIES": "false",
        }
        command = [sys.executable, "-m", "accord", "serve", "--port", str(port)]
        self.process = subprocess.Popen(
            [*command, "--workers", "1", "--threads", "1", "--no-migrate"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.durations: dict[str, int] = {}
        self.base = f"http://127.0.0.1:{port}"
        threading.Thread(target=self._read_log, daemon=True).start()

    def _read_log(self) -> None:
        for line in self.process.stderr:
            if not line.startswith("{"):
                continue
            entry = json.loads(line)
            if "duration_ms" in entry:
                self.durations[entry["request_id"]] = entry["duration_ms"]

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 600  # a loaded machine takes minutes to import it all
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/healthz", timeout=1).ok:
                    return
            except (requests.ConnectionError, requests.Timeout):  # starting, or a loaded machine
                time.sleep(0.1)
        raise SystemExit("the server did not start")

    def duration(self, request_id: str) -> int:
        for _ in range(1000):
            if request_id in self.durations:
                return self.durations.pop(request_id)
            time.sleep(0.01)
        raise SystemExit(f"no log line for request {request_id}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def log_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        base + "/login/",
        {"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD},
        headers={"Referer": base + "/login/"},
    )
    if "sessionid" not in session.cookies:
        raise SystemExit(f"could not log in as {email}: {answer.status_code}")
    return session


def editor_fields() -> list[tuple[str, str]]:
    """The editor's fields as its page sends them, holding the version in force."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    django.setup()
    from accord.agreement.editor import form_data
    from accord.agreement.selectors import get_agreement_in_force

    fields = form_data(get_agreement_in_force().document)
    return [(name, value) for name, values in fields.items() for value in values]


def keystroke(fields: list[tuple[str, str]], n: int, typed: str) -> list[tuple[str, str]]:
    """The form with one number typed anew (the threshold, or the engagement's half-life): each
    request a draft of its own."""
    return [(name, str(10 + n % 80) if name == typed else value) for name, value in fields]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def change_the_funnel(n: int) -> None:
    """What happens between two looks at the dashboard: somebody new arrives as a lead with a
    touch (as capture writes it) and a lead becomes an MQL, through the services every page and
    import use."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    django.setup()
    from accord.crm.models import LifecycleStage, Person
    from accord.crm.services import do_change_lifecycle_stage, do_create_person
    from accord.touchpoints.models import Touchpoint

    arrived = do_create_person(
        {"email": f"bench-{time.time_ns()}-{n}@changes.example"}, reason="bench"
    )
    Touchpoint.objects.create(person=arrived, channel="paid_search", kind="ad_click")
    lead = Person.objects.filter(lifecycle_stage=LifecycleStage.LEAD, recycled_until=None).first()
    if lead is not None:
        do_change_lifecycle_stage(lead, LifecycleStage.MQL, reason="bench")


def measure(
    server: Server, session, page: Page, count: int, warm: int, after_change: bool = False
) -> dict:
    fields = editor_fields() if page.form else None
    csrf = session.cookies.get("csrftoken")
    server_ms, browser_ms = [], []
    for n in range(warm + count):
        request_id = f"bench-{time.monotonic_ns()}"
        headers = {"X-Request-ID": request_id}
        if after_change:
            change_the_funnel(n)
        started = time.perf_counter()
        if fields is not None:
            headers |= {
                "X-CSRFToken": csrf,
                "Referer": server.base + page.form,
                "HX-Request": "true",
            }
            answer = session.post(
                server.base + page.url, keystroke(fields, n, page.typed), headers=headers
            )
        else:
            answer = session.get(server.base + page.url, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            raise SystemExit(f"{page.name}: {page.url} answered {answer.status_code}")
        took = server.duration(request_id)
        if n >= warm:
            browser_ms.append(elapsed)
            server_ms.append(took)
    return {
        "server_p50": statistics.median(server_ms),
        "server_p95": percentile(server_ms, 0.95),
        "browser_p50": statistics.median(browser_ms),
        "browser_p95": percentile(browser_ms, 0.95),
        "bytes": len(answer.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--warm", type=int, default=3, help="requests per page not timed")
    parser.add_argument("--only", default="", help="pages whose name holds this text")
    parser.add_argument("--skip", default="\0", help="leave out pages whose name holds this")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--after-change",
        action="store_true",
        help="before each request of a dashboard panel, add a lead and move one to MQL "
        "(writes to the database)",
    )
    args = parser.parse_args()

    server = Server(free_port())
    try:
        server.wait_ready()
        sessions = {email: log_in(server.base, email) for email in {p.persona for p in PAGES}}
        chosen = [
            p
            for p in PAGES
            if (args.only in p.name or p.name in _peers(args.only)) and args.skip not in p.name
        ]
        results = {}
        for page in chosen:
            after_change = args.after_change and page.name.startswith("dashboard")
            results[page.name] = measure(
                server, sessions[page.persona], page, args.requests, args.warm, after_change
            )
            print(f"  {page.name}: {results[page.name]['server_p95']} ms p95", file=sys.stderr)
    finally:
        server.stop()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{args.requests} requests a page after {args.warm} to warm; milliseconds")
    print("| page | persona | server p50 | server p95 | browser p95 | p95 ÷ peer's |")
    print("| --- | --- | --- | --- | --- | --- |")
    for page in chosen:
        figures = results[page.name]
        peer = results.get(page.peer) if page.peer else None
        ratio = f"{figures['server_p95'] / max(peer['server_p95'], 1):.2f}" if peer else ""
        flag = " **over target**" if figures["server_p95"] > TARGET_MS else ""
        print(
            f"| {page.name} | {page.persona.split('@')[0]} | {figures['server_p50']:.0f} "
            f"| {figures['server_p95']:.0f}{flag} | {figures['browser_p95']:.0f} | {ratio} |"
        )


def _peers(only: str) -> set[str]:
    return {p.peer for p in PAGES if only in p.name and p.peer}


if __name__ == "__main__":
    main()
