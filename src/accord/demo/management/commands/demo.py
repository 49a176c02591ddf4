import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accord.demo.generator import SIZES
from accord.demo.personas import DEMO_PASSWORD, PERSONAS
from accord.demo.services import DemoRefused, do_load_demo
from accord.teams.models import User


class Command(BaseCommand):
    help = (
        "Fill the database with a realistic demo company (deterministic from --seed) and serve it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help="same seed, same company")
        parser.add_argument(
            "--size",
            choices=list(SIZES),
            default="small",
            help="tiny: 300 people; small: 2,000, instant; medium: 50,000; "
            "large: 1M people and ~10M touchpoints, for benchmarks",
        )
        parser.add_argument("--no-serve", action="store_true", help="load, print, and stop")
        parser.add_argument(
            "--reset", action="store_true", help="wipe the database first, whatever it holds"
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="serve without `accord worker` (no alerts, SLA sweeps or imports from the page)",
        )

    def handle(self, *args, seed, size, no_serve, reset, host, port, workers, threads, **options):
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=0)
        try:
            load = do_load_demo(seed=seed, size=size, reset=reset, progress=verbosity >= 1)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        dataset = load.dataset
        if load.already_loaded:
            self.stdout.write(
                f"The demo company is already loaded (seed {dataset.seed}, size {dataset.size}, "
                f"{dataset.completed_at:%Y-%m-%d %H:%M} UTC); nothing was added. "
                "Run `accord demo --reset` to rebuild it."
            )
        else:
            self.stdout.write(self.style.SUCCESS(self._summary(load)))
        url = f"http://{host}:{port}/"
        self._print_logins(url)
        if no_serve:
            return
        self.stdout.flush()
        command = [sys.executable, "-m", "accord", "serve", "--no-migrate", "--host", host]
        command += ["--port", str(port), "--workers", str(workers), "--threads", str(threads)]
        if not options["no_worker"]:
            command.append("--with-worker")
        # A fresh process serves: loading the demo ran Polars here, and gunicorn's workers forked
        # from a process whose Polars thread pool is running hang on their first parallel query.
        os.execv(sys.executable, command)

    def _summary(self, load) -> str:
        rows, dataset = load.rows, load.dataset
        return (
            f"Loaded the demo company (seed {dataset.seed}, size {dataset.size}) in "
            f"{load.seconds:.1f} s: {rows['crm.account']:,} accounts, "
            f"{rows['crm.person']:,} people, "
            f"{rows['touchpoints.campaign']:,} campaigns, {rows['touchpoints.touchpoint']:,} "
            f"touchpoints, {rows['crm.opportunity']:,} opportunities, "
            f"{rows['crm.lifecyclechange']:,} lifecycle changes "
            f"({load.total_rows / max(load.seconds, 1e-9):,.0f} rows/s)."
        )

    def _print_logins(self, url: str) -> None:
        roles = dict(User.Role.choices)
        self.stdout.write(f'\nOpen {url} and log in with the password "{DEMO_PASSWORD}" as:')
        for persona in PERSONAS:
            team = f"{persona.team.title()}, " if persona.team else ""
            liaison = ", liaison" if persona.is_liaison else ""
            self.stdout.write(
                f"  {persona.email:<28} {persona.full_name:<16} "
                f"({team}{roles[persona.role]}{liaison})"
            )
        self.stdout.write("")
