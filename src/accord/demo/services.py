"""Loading the demo company: once, never over someone's real data, and fast."""

import datetime as dt
import time
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accord.agreement.services import do_rescore_all
from accord.columns.load import write_tables
from accord.crm.models import Account, Opportunity, Person
from accord.demo.agreement import demo_lead_definition
from accord.demo.alignment import seed_demo as seed_alignment
from accord.demo.experiments import seed_experiment
from accord.demo.generator import SIZES, generate_company
from accord.demo.goals import seed_demo as seed_goals
from accord.demo.handoff import seed_demo as seed_handoffs
from accord.demo.mindset import seed_demo as seed_mindset
from accord.demo.models import DemoDataset
from accord.demo.personas import REP_TERRITORIES, do_create_personas, do_create_teams
from accord.demo.planning import seed_demo as seed_joint_plan
from accord.metrics.rollups import rebuild_rollups
from accord.metrics.warm import work_out_default_dashboard
from accord.teams.models import Team
from accord.touchpoints.models import Campaign, Touchpoint


class DemoRefused(Exception):
    """The database holds data that is not the demo; loading would mix or wipe it."""


@dataclass
class DemoLoad:
    dataset: DemoDataset
    already_loaded: bool
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def get_loaded_demo() -> DemoDataset | None:
    return DemoDataset.objects.filter(completed_at__isnull=False).order_by("-id").first()


def holds_shared_data() -> bool:
    """Whether any account, person, deal, campaign or touch is in the database."""
    return any(
        model.objects.exists() for model in (Account, Person, Opportunity, Campaign, Touchpoint)
    )


def do_load_demo(
    *,
    seed: int,
    size: str,
    reset: bool = False,
    today: dt.date | None = None,
    progress: bool = True,
) -> DemoLoad:
    """Fill the database with the demo company, or say it is already there.

    Without `reset`, a database that holds a finished demo is left as it is, one whose earlier
    load was interrupted is rebuilt, and one that holds anything else is refused.
    """
    if size not in SIZES:
        raise ValueError(f"Unknown demo size {size!r}; expected one of {sorted(SIZES)}")
    loaded = get_loaded_demo()
    if loaded and not reset:
        return DemoLoad(dataset=loaded, already_loaded=True)
    interrupted = DemoDataset.objects.filter(completed_at__isnull=True).exists()
    if not reset and not interrupted and holds_shared_data():
        raise DemoRefused(
            "This database already holds accounts, people or campaigns that are not the demo. "
            "Point DATABASE_URL (or ACCORD_DATA_DIR) at another database, or run "
            "`accord demo --reset` to wipe everything in it and load the demo."
        )
    if reset or interrupted:
        call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    dataset = DemoDataset.objects.create(seed=seed, size=size)
    with transaction.atomic():
        rows = _write_company(seed, size, today or timezone.now().date(), progress)
        rebuild_rollups()  # the company is written in bulk, around the services
        dataset.completed_at = timezone.now()
        dataset.save(update_fields=["completed_at"])
    do_rescore_all(progress=progress)  # everybody, under the agreement the demo heads signed
    work_out_default_dashboard()  # so the dashboard's attribution shows at once
    return DemoLoad(
        dataset=dataset,
        already_loaded=False,
        rows=rows,
        seconds=time.perf_counter() - started,
    )


def _write_company(seed: int, size: str, today: dt.date, progress: bool) -> dict[str, int]:
    teams = do_create_teams()
    users = do_create_personas(teams)
    rep_by_region = {region: users[email].id for email, region in REP_TERRITORIES.items()}
    frames = generate_company(seed, size, today, rep_by_region, teams[Team.Kind.MARKETING].id)
    rows = write_tables(frames, progress=progress)
    rows.update(seed_mindset(today, seed))
    rows.update(seed_alignment(today, seed))
    rows.update(seed_joint_plan(today, seed))
    rows.update(seed_experiment(today, seed))
    rows.update(seed_handoffs(today, seed, demo_lead_definition()))
    rows.update(seed_goals(today, seed))
    rows["teams.user"] = len(users)
    return rows
