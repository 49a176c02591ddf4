"""Time `accord score --all` on the large demo (1M people) on SQLite and PostgreSQL.

Each database is filled once with the demo company (`accord demo --size large --seed 42`, kept
between runs), which signs the default agreement and scores everybody as it loads. Then three
timed runs of `accord score --all`, as a user meets them:

1. *nightly*: the same agreement a while later; only scores that moved (recency decay, new
   touches) are written;
2. *new version*: right after a new version took effect (each kind of touch worth one point more
   than the version before, or back to the default): the scores it changes (about a quarter) are
   rewritten under it, their changes go to the audit trail and new MQLs move;
3. *again*: at once after that, when nothing changed;
4. *renamed rule*: right after a version that only renames a fit rule took effect: no score's
   points change, but every stored explanation names the rule, so every score is rewritten
   (what a version changing every score costs, without its audit entries).

Wall-clock and CPU seconds of the `accord score` process (Django start-up included; on
PostgreSQL the server's own CPU is not in it) and its report are printed.

    python bench/scoring_bench.py
    python bench/scoring_bench.py --databases sqlite --size medium
    DATABASE_URL=sqlite:////path/large.sqlite3 python bench/scoring_bench.py --existing
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ACCORD = [sys.executable, "-m", "accord"]
PG_SERVER = "postgres://postgres@127.0.0.1:5432"

TAKE_EFFECT = """
from accord.agreement.defaults import default_document
from accord.agreement.selectors import get_agreement_in_force
from accord.agreement.services import do_create_draft, do_sign
from accord.teams.models import User
heads = {u.team_kind: u for u in User.objects.filter(role="head").select_related("team")}
document = get_agreement_in_force().document_data
default = default_document().model_dump(by_alias=True)["engagement"]["kinds"]
for kind, terms in document["engagement"]["kinds"].items():
    terms["points"] = default[kind]["points"] + (terms["points"] == default[kind]["points"])
draft = do_create_draft(heads["marketing"], document)
do_sign(draft, heads["marketing"])
do_sign(draft, heads["sales"])  # queues the rescoring for the worker, which is not running here
"""
RENAME_RULE = """
from accord.agreement.selectors import get_agreement_in_force
from accord.agreement.services import do_create_draft, do_sign
from accord.teams.models import User
heads = {u.team_kind: u for u in User.objects.filter(role="head").select_related("team")}
document = get_agreement_in_force().document_data
rule = document["fit_rules"][0]
rule["name"] = rule["name"][: -len(" (renamed)")] if rule["name"].endswith(" (renamed)") else (
    rule["name"] + " (renamed)"
)
draft = do_create_draft(heads["marketing"], document)
do_sign(draft, heads["marketing"])
do_sign(draft, heads["sales"])
"""


def _run(args, env) -> tuple[float, float, str]:
    """Run a command; (wall seconds, CPU seconds of the child, its output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{args} failed:\n{done.stderr}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout.strip()


def _postgres(name: str) -> str:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def bench(label: str, env: dict) -> None:
    takes_effect = {"new version": TAKE_EFFECT, "renamed rule": RENAME_RULE}
    for run in ("nightly", "new version", "again", "renamed rule"):
        if run in takes_effect:
            subprocess.run(
                [*ACCORD, "manage", "shell", "-c", takes_effect[run]],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        wall, cpu, output = _run([*ACCORD, "score", "--all", "--no-progress"], env)
        print(f"{label:<9} {run:<12} {wall:6.1f} s wall {cpu:6.1f} s CPU   {output}", flush=True)


def _demo_env(database: str, size: str, seed: int, workdir: Path) -> dict:
    env = dict(os.environ, ACCORD_DATA_DIR=str(workdir / f"{database}-{size}-{seed}"))
    if database == "postgres":
        env["DATABASE_URL"] = _postgres(f"accord_scoring_bench_{size}_{seed}")
    else:
        env.pop("DATABASE_URL", None)
    subprocess.run(
        [*ACCORD, "demo", "--size", size, "--seed", str(seed), "--no-serve", "-v0"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "accord-bench"
    )
    parser.add_argument(
        "--existing",
        action="store_true",
        help="use the database DATABASE_URL points at (a demo already loaded) as it is",
    )
    args = parser.parse_args()
    if args.existing:
        print(f"the database at DATABASE_URL, {os.cpu_count()} CPUs", flush=True)
        url = os.environ["DATABASE_URL"]
        bench("postgres" if url.startswith("postgres") else "sqlite", dict(os.environ))
        return
    print(f"demo size {args.size}, seed {args.seed}, {os.cpu_count()} CPUs", flush=True)
    for database in args.databases.split(","):
        bench(database, _demo_env(database, args.size, args.seed, args.workdir))


if __name__ == "__main__":
    main()
