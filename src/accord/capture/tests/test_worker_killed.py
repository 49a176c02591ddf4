"""`accord worker` as a real process, killed with SIGKILL in the middle of a batch of captures
(the captures claimed and their people scored, the batch waiting for the routing members), then
started again: every capture is routed once, nobody has two handoffs.

PostgreSQL only, where another transaction can hold the routing members to stop the batch half-way
through; on SQLite `test_worker.py` stops a batch half-way through in the process itself.
"""

import os
import signal
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from accord.alerts.tests import test_worker_faults
from accord.alerts.tests.test_worker_faults import stop, wait_for
from accord.capture.tests.conftest import QUICK_MQL

LEADS = 20
SEED = f"""
from accord.agreement.services import do_create_draft, do_sign
from accord.capture.services import do_capture_lead
from accord.crm.models import Account
from accord.handoff.models import RoutingMember, RoutingRule
from accord.teams.models import Team, User

sales = Team.objects.create(kind=Team.Kind.SALES, name="Sales")
marketing = Team.objects.create(kind=Team.Kind.MARKETING, name="Marketing")
heads = [
    User.objects.create_user("sales.head@example.com", team=sales, role=User.Role.HEAD),
    User.objects.create_user("marketing.head@example.com", team=marketing, role=User.Role.HEAD),
]
marketer = User.objects.create_user("marketer@example.com", team=marketing, role="marketer")
rule = RoutingRule.objects.create(position=10, kind=RoutingRule.Kind.ROUND_ROBIN, team=sales)
for n in range(2):
    rep = User.objects.create_user(f"rep{{n}}@example.com", team=sales, role=User.Role.REP)
    RoutingMember.objects.create(rule=rule, user=rep)
Account.objects.create(name="Northwind", domain="northwind.example", industry="Software",
                       employee_count=250)
version = do_create_draft(marketer, {QUICK_MQL!r})
do_sign(version, heads[1])
do_sign(version, heads[0])
for n in range({LEADS}):
    do_capture_lead({{"email": f"lead{{n % {LEADS // 2}}}@northwind.example", "page": str(n)}},
                    by=marketer)
print("seeded")
"""

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres:", "postgresql:")),
    reason="another transaction holds the routing members only on PostgreSQL",
)


@pytest.fixture(scope="module")
def database_url():
    parts = urlsplit(os.environ.get("DATABASE_URL", ""))
    name = f"{parts.path.lstrip('/')}_capture_killed"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Accord(test_worker_faults.Accord):
    def run(self, *args) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "accord", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,  # migrating a fresh database takes minutes on a busy machine
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


def counts(db) -> dict:
    captures = dict(
        db.execute("SELECT status, count(*) FROM capture_capture GROUP BY 1").fetchall()
    )
    per_person = db.execute(
        "SELECT count(*) FROM handoff_handoff GROUP BY person_id HAVING count(*) > 1"
    ).fetchall()
    handoffs = db.execute("SELECT count(*) FROM handoff_handoff").fetchone()[0]
    return {"captures": captures, "handoffs": handoffs, "doubled": len(per_person)}


def test_a_worker_killed_mid_batch_routes_each_capture_once_when_started_again(
    database_url, tmp_path
):
    accord = Accord(database_url, tmp_path)
    accord.run("manage", "migrate", "-v0")
    assert "seeded" in accord.run("manage", "shell", "-c", SEED)

    with (
        psycopg.connect(database_url, autocommit=True) as db,
        psycopg.connect(database_url) as hold,
    ):
        hold.execute("SELECT id FROM handoff_routingmember FOR UPDATE")  # the batch waits here
        first = accord.worker()
        try:
            wait_for(
                lambda: db.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                ).fetchone()[0],
                60,
                "the worker's batch to wait for the routing members",
            )
            first.send_signal(signal.SIGKILL)
            first.wait()
        finally:
            first.kill()
            first.wait()
        hold.rollback()
        assert counts(db) == {"captures": {"received": LEADS}, "handoffs": 0, "doubled": 0}

        second = accord.worker()
        try:
            wait_for(lambda: counts(db)["captures"] == {"routed": LEADS}, 60, "every capture")
        finally:
            stop(second)
        assert counts(db) == {"captures": {"routed": LEADS}, "handoffs": LEADS // 2, "doubled": 0}
