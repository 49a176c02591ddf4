"""The shared dashboard's numbers on a demo company: each query cold and warm, and the page.

    ACCORD_DATA_DIR=/tmp/dash accord demo --size medium --no-serve
    ACCORD_DATA_DIR=/tmp/dash python bench/dashboard_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_dash python bench/dashboard_bench.py
    DATABASE_URL=sqlite:////work/data/large.sqlite3 python bench/dashboard_bench.py --read-only

`--read-only` runs on a shared database nobody may write to: every connection is made
read-only (SQLite `PRAGMA query_only`, PostgreSQL `default_transaction_read_only`), the
session lives in a signed cookie and signing in records neither the last login nor an access
log entry. `--without-attribution` leaves out ROI and the models compared (queries and panels),
whose cold run reads every touchpoint: minutes on the large demo.

`--other-filters` times what the demo and the worker do ahead (`work_out_default_dashboard`,
the cache cleared first), then the attribution and ROI panels under filters other than the
default (a quarter, a region, an industry, journeys by account), each asked for the first time.
It writes to the cache table, so it does not go with `--read-only`.

The period is the dashboard's default (the last twelve months). The page is timed alone (what
shows at once) and each panel it loads, as the signed-in marketing head asks for them; a browser
asks for the panels side by side. "Cold" is the first run after
the cache is cleared (attribution credit is worked out again); "warm" is the median of the
runs after it. The database's own page cache is not dropped: cold means cold for Accord.
Each query's result is digested, so two runs (before and after a change) can be compared:
`--digests FILE` writes them, `--compare FILE` fails when a result differs.
"""

import argparse
import datetime as dt
import hashlib
import html
import json
import os
import re
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
django.setup()

from axes.signals import handle_user_logged_in  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import update_last_login  # noqa: E402
from django.contrib.auth.signals import user_logged_in  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.test import Client  # noqa: E402

from accord.crm.models import Person  # noqa: E402
from accord.metrics import credit  # noqa: E402
from accord.metrics import queries as q  # noqa: E402
from accord.metrics.forms import DashboardFilters  # noqa: E402
from accord.teams.models import User  # noqa: E402
from accord.touchpoints.models import Touchpoint  # noqa: E402

WARM_RUNS = 3
ATTRIBUTION = {
    "queries": ("roi (linear)", "attribution comparison"),
    "panels": ("attribution", "roi"),
}


def _queries(filters: dict) -> dict:
    return {
        "funnel": lambda: q.run_funnel(q.FunnelQuery(**filters)),
        "velocity": lambda: q.run_velocity(q.VelocityQuery(**filters)),
        "leakage": lambda: q.run_leakage(q.LeakageQuery(**filters)),
        "sla": lambda: q.run_sla_compliance(q.SlaComplianceQuery(**filters)),
        "pipeline by source": lambda: q.run_pipeline_by_source(q.PipelineBySourceQuery(**filters)),
        "pipeline by first touch": lambda: q.run_pipeline_by_source(
            q.PipelineBySourceQuery(**filters, by="first_touch_channel")
        ),
        "roi (linear)": lambda: credit.run_campaign_roi(credit.CampaignRoiQuery(**filters)),
        "attribution comparison": lambda: credit.run_attribution_comparison(
            credit.AttributionComparisonQuery(**filters)
        ),
        "goal": lambda: q.run_goal_progress(q.GoalProgressQuery(day=filters["end"])),
    }


def _digest(result) -> str:
    rows = result if isinstance(result, list) else [result]
    text = json.dumps([row.model_dump(mode="json") for row in rows], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _timed(run) -> tuple[float, object]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def _cold_and_warm(run) -> tuple[float, float, object]:
    cache.clear()
    cold, result = _timed(run)
    warm = statistics.median(_timed(run)[0] for _ in range(WARM_RUNS))
    return cold, warm, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digests", help="write each query's result digest to this JSON file")
    parser.add_argument("--compare", help="fail if a digest differs from this JSON file's")
    parser.add_argument("--page-only", action="store_true", help="time only the page and panels")
    parser.add_argument(
        "--read-only", action="store_true", help="never write to the database (shared demos)"
    )
    parser.add_argument(
        "--without-attribution", action="store_true", help="leave out ROI and models compared"
    )
    parser.add_argument(
        "--other-filters",
        action="store_true",
        help="only: work the default out ahead, then time other filters' attribution panels",
    )
    args = parser.parse_args()
    if args.other_filters:
        return _other_filters()
    if args.read_only:
        _read_only()
    form = DashboardFilters(DashboardFilters.with_defaults({}))
    assert form.is_valid(), form.errors
    filters = form.period()
    print(
        f"{connection.vendor}: {Person.objects.count():,} people, "
        f"{Touchpoint.objects.count():,} touchpoints; period {filters['start']} to {filters['end']}"
    )
    digests = {}
    if not args.page_only:
        print(f"{'query':<26}{'cold s':>9}{'warm s':>9}  digest")
        for name, run in _queries(filters).items():
            if args.without_attribution and name in ATTRIBUTION["queries"]:
                continue
            cold, warm, result = _cold_and_warm(run)
            digests[name] = _digest(result)
            print(f"{name:<26}{cold:9.3f}{warm:9.3f}  {digests[name]}")
    client = Client()
    client.force_login(User.objects.get(email="marketing.head@demo.accord"))
    print(f"{'page and panels':<32}{'cold s':>9}{'warm s':>9}")
    page, total = _get(client, "/dashboard/"), [0.0, 0.0]
    urls = [html.unescape(url) for url in re.findall(r'hx-get="([^"]+)"', page)]
    if args.without_attribution:
        urls = [url for url in urls if url.split("/")[-2] not in ATTRIBUTION["panels"]]
    for url in ["/dashboard/", *urls]:
        cold, warm, _ = _cold_and_warm(lambda url=url: _get(client, url))
        total = [total[0] + cold, total[1] + warm]
        print(f"{url.split('?')[0]:<32}{cold:9.3f}{warm:9.3f}")
    print(f"{'all, one after another':<32}{total[0]:9.3f}{total[1]:9.3f}")
    if args.digests:
        with open(args.digests, "w") as out:
            json.dump(digests, out, indent=1)
    if args.compare:
        with open(args.compare) as saved:
            before = json.load(saved)
        changed = [name for name in digests if before.get(name) != digests[name]]
        print("results as before" if not changed else f"results DIFFER: {', '.join(changed)}")
        raise SystemExit(1 if changed else 0)


def _other_filters() -> None:
    from accord.crm.models import Account
    from accord.metrics.warm import work_out_default_dashboard

    cache.clear()
    took, _ = _timed(work_out_default_dashboard)
    print(f"{connection.vendor}: worked out ahead in {took:.2f} s")
    client = Client()
    client.force_login(User.objects.get(email="marketing.head@demo.accord"))
    account = Account.objects.exclude(region="").exclude(industry="").order_by("id").first()
    end = DashboardFilters(DashboardFilters.with_defaults({})).data["end"]
    quarter_end = (dt.date.fromisoformat(end).replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    other = {
        "a quarter": f"start={quarter_end - dt.timedelta(days=61):%Y-%m-01}&end={quarter_end}",
        "a region": f"region={account.region}",
        "an industry": f"industry={account.industry}",
        "journeys by account": "journey=account",
    }
    print(f"{'filters':<22}{'attribution s':>15}{'roi s':>9}")
    for name, query in other.items():
        urls = [f"/dashboard/panels/{panel}/?{query}" for panel in ("attribution", "roi")]
        seconds = [_timed(lambda url=url: _get(client, url))[0] for url in urls]
        print(f"{name:<22}{seconds[0]:15.2f}{seconds[1]:9.2f}")


def _read_only() -> None:
    def forbid_writes(sender, connection, **kwargs):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA query_only = ON")
            else:
                cursor.execute("SET default_transaction_read_only = on")

    connection_created.connect(forbid_writes, weak=False)
    connection.close()
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    user_logged_in.disconnect(handle_user_logged_in)  # django-axes logs each sign-in


def _get(client: Client, url: str) -> str:
    response = client.get(url, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, url
    return response.content.decode()


if __name__ == "__main__":
    main()
