"""A draft's page with its backtest: the first view, and the same view again (from the cache).

    accord demo --size small --no-serve
    python bench/backtest_page_bench.py            # the database of DATABASE_URL / ACCORD_DATA_DIR

Needs the demo company loaded with an agreement in force; makes one draft suggested from history
if there is no draft yet. Prints the median of 7 views each, wall-clock and CPU seconds of this
process (on SQLite the database works inside it too).
"""

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from accord.agreement.models import AgreementVersion  # noqa: E402
from accord.agreement.services import do_suggest_draft  # noqa: E402
from accord.teams.models import User  # noqa: E402

VIEWS = 7


def _median(view, before=None) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(VIEWS):
        if before:
            before()
        wall, cpu = time.perf_counter(), time.process_time()
        assert view().status_code == 200
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    head = User.objects.get(email="marketing.head@demo.accord")
    draft = AgreementVersion.objects.filter(status=AgreementVersion.Status.DRAFT).first()
    draft = draft or do_suggest_draft(head)
    client = Client()
    client.force_login(User.objects.get(email="rep1@demo.accord"))
    client.get("/agreement/", HTTP_HOST="127.0.0.1")  # templates and imports warm

    def page():
        return client.get(f"/agreement/{draft.number}/", HTTP_HOST="127.0.0.1")

    print(f"draft v{draft.number}, {VIEWS} views each, median")
    for label, before in (
        ("first view (backtest worked out)", cache.clear),
        ("viewed again", None),
    ):
        wall, cpu = _median(page, before)
        print(f"  {label:<34} {wall:6.3f} s wall {cpu:6.3f} s CPU")


if __name__ == "__main__":
    main()
