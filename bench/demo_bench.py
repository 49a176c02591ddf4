"""How long `accord demo` takes to fill a fresh database, on SQLite and on PostgreSQL.

Each run is the real command in a child process (`python -m accord demo --no-serve`) against a
fresh, migrated database made for it, timed from start to exit (start-up, generation, writing,
index rebuild, ANALYZE).
With --baseline, the same generated company is also written with Django's `bulk_create`
(batches of 5,000) in the same run, and the ratio is reported.

    python bench/demo_bench.py --size large
    python bench/demo_bench.py --size medium --baseline
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
LOADED = re.compile(
    r"in (?P<load_seconds>[\d.]+) s: "
    r"(?P<accounts>[\d,]+) accounts, (?P<people>[\d,]+) people, (?P<campaigns>[\d,]+) campaigns, "
    r"(?P<touchpoints>[\d,]+) touchpoints, (?P<opportunities>[\d,]+) opportunities, "
    r"(?P<changes>[\d,]+) lifecycle changes"
)


def fresh_database(engine: str, name: str, workdir: Path) -> dict:
    """Environment for a child process that points at an empty database of its own."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ACCORD_DATA_DIR"] = str(workdir / f"{engine}-{name}")
    if engine == "postgresql":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{PG_SERVER}/{name}"
    return env


def migrate(env: dict) -> None:
    """Migrations run before the clock starts, so both writers are timed on the same work."""
    subprocess.run(
        [sys.executable, "-m", "accord", "manage", "migrate", "-v", "0"], env=env, check=True
    )


def database_bytes(engine: str, env: dict) -> int:
    if engine == "postgresql":
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return sum(p.stat().st_size for p in Path(env["ACCORD_DATA_DIR"]).glob("accord.sqlite3*"))


def run_demo(engine: str, size: str, seed: int, workdir: Path, db_name: str) -> dict:
    env = fresh_database(engine, db_name, workdir)
    migrate(env)
    command = [sys.executable, "-m", "accord", "demo", "--no-serve", "--size", size]
    command += ["--seed", str(seed), "--verbosity", "0"]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"accord demo failed on {engine}:\n{out}")
    counts = {k: v.replace(",", "") for k, v in LOADED.search(out).groupdict().items()}
    load_seconds = float(counts.pop("load_seconds"))
    counts = {k: int(v) for k, v in counts.items()}
    rows = sum(counts.values())
    return {
        "engine": engine,
        "size": size,
        "seconds": round(seconds, 1),
        "rows": rows,
        "rows_per_second": round(rows / seconds),
        "load_seconds": load_seconds,
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "load_average_1m": round(os.getloadavg()[0], 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "database_mb": round(database_bytes(engine, env) / 2**20),
        **counts,
    }


def run_baseline(engine: str, size: str, seed: int, workdir: Path, db_name: str) -> dict:
    """The same company written with Django's bulk_create, in a child process."""
    env = fresh_database(engine, db_name, workdir)
    migrate(env)
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--size", size, "--seed", str(seed), "--bulk-create-child"],
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"the bulk_create baseline failed on {engine}:\n{child.stderr}")
    rows = int(child.stdout.strip().splitlines()[-1])
    return {"engine": engine, "size": size, "seconds": round(seconds, 1), "rows": rows}


def _bulk_create(size: str, seed: int) -> None:
    """Child side of the baseline: generate as `accord demo` does, write with bulk_create."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()
    from django.apps import apps
    from django.db import transaction
    from django.utils import timezone

    from accord.demo.generator import generate_company
    from accord.demo.personas import REP_TERRITORIES, do_create_personas, do_create_teams

    with transaction.atomic():
        teams = do_create_teams()
        users = do_create_personas(teams)
        reps = {region: users[email].id for email, region in REP_TERRITORIES.items()}
        frames = generate_company(seed, size, timezone.now().date(), reps, teams["marketing"].id)
        rows = 0
        for label, frame in frames.items():
            model = apps.get_model(label)
            for chunk in frame.iter_slices(50_000):
                objects = [model(**row) for row in chunk.iter_rows(named=True)]
                rows += len(model.objects.bulk_create(objects, batch_size=5_000))
    print(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=["small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--baseline", action="store_true", help="also time bulk_create")
    parser.add_argument("--db-name", default="accord_demo_bench")
    parser.add_argument("--bulk-create-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bulk_create_child:
        _bulk_create(args.size, args.seed)
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="accord-demo-bench-") as tmp:
        for engine in args.engines.split(","):
            result = run_demo(engine, args.size, args.seed, Path(tmp), args.db_name)
            if args.baseline:
                base = run_baseline(engine, args.size, args.seed, Path(tmp), args.db_name + "_b")
                result["bulk_create_seconds"] = base["seconds"]
                result["speedup_vs_bulk_create"] = round(base["seconds"] / result["seconds"], 1)
            results.append(result)
            print(json.dumps(result), file=sys.stderr, flush=True)
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()} at the end")
    print(
        "| engine | size | wall s | load s | CPU s | rows | rows/s | peak RSS MB | database MB "
        f"| load avg |"
        f"{' bulk_create s | speed-up |' if args.baseline else ''}"
    )
    print(f"|---|---|---|---|---|---|---|---|---|---|{'---|---|' if args.baseline else ''}")
    for r in results:
        extra = (
            f" {r['bulk_create_seconds']} | {r['speedup_vs_bulk_create']}x |"
            if args.baseline
            else ""
        )
        print(
            f"| {r['engine']} | {r['size']} | {r['seconds']} | {r['load_seconds']} "
            f"| {r['cpu_seconds']} "
            f"| {r['rows']:,} | "
            f"{r['rows_per_second']:,} | {r['peak_rss_mb']:,} | {r['database_mb']:,} | "
            f"{r['load_average_1m']} |{extra}"
        )
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / f"demo-{args.size}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
