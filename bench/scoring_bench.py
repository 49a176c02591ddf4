"""Time `accord score --all` on the large demo (1M people) on SQLite and PostgreSQL.

Each database is filled once with the demo company (`accord demo --size large --seed 42`, kept
between runs) and given the default agreement, signed by both demo heads (which scores everybody
once). Then `accord score --all` runs twice, each run overwriting every score in the database
and moving new MQLs, as when an agreement takes effect. Wall-clock and CPU seconds of the
`accord score` process (Django start-up included) are printed.

    python bench/scoring_bench.py
    python bench/scoring_bench.py --databases sqlite --size medium
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

SIGN_DEFAULT_AGREEMENT = """
from accord.agreement.defaults import default_document
from accord.agreement.models import AgreementVersion
from accord.agreement.services import do_create_draft, do_sign
from accord.teams.models import User
if not AgreementVersion.objects.filter(status="in_force").exists():
    heads = {u.team_kind: u for u in User.objects.filter(role="head").select_related("team")}
    draft = do_create_draft(heads["marketing"], default_document())
    do_sign(draft, heads["marketing"])
    do_sign(draft, heads["sales"])
"""


def _run(args, env) -> tuple[float, float, str]:
    """Run a command; (wall seconds, CPU seconds of the child, its output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, env=env, check=True, capture_output=True, text=True)
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


def bench(database: str, size: str, seed: int, workdir: Path) -> None:
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
    subprocess.run([*ACCORD, "manage", "shell", "-c", SIGN_DEFAULT_AGREEMENT], env=env, check=True)
    for run in ("rescore all, 1", "rescore all, 2"):
        wall, cpu, output = _run([*ACCORD, "score", "--all", "--no-progress"], env)
        print(f"{database:<9} {run:<14} {wall:6.1f} s wall {cpu:6.1f} s CPU   {output}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "accord-bench"
    )
    args = parser.parse_args()
    print(f"demo size {args.size}, seed {args.seed}, {os.cpu_count()} CPUs", flush=True)
    for database in args.databases.split(","):
        bench(database, args.size, args.seed, args.workdir)


if __name__ == "__main__":
    main()
