"""Time `accord import` of a generated HubSpot contacts export on SQLite and PostgreSQL.

Each database starts empty (a fresh SQLite file, a freshly created PostgreSQL database), is
migrated and the export's owners mapped, then the file is imported once (every contact created)
and once more (every contact unchanged). Wall-clock and CPU seconds of the `accord import`
process (start-up included), on PostgreSQL also those of the server processes serving it, are
printed with the one-minute load average before and after each run (the machine may be shared).

    python bench/import_bench.py --rows 1000000
    python bench/import_bench.py --rows 100000 --databases sqlite
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from generate_hubspot_contacts import OWNERS  # beside this script, run as a script

HERE = Path(__file__).resolve().parent
ACCORD = [sys.executable, "-m", "accord"]
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
BENCH_DATABASE = "accord_import_bench"


class BackendCpu(threading.Thread):
    """CPU seconds of the PostgreSQL server processes serving one database, as /proc tells them
    (a server on this machine), sampled every 0.1 s while a command runs: what the database did
    for it, which the command's own CPU leaves out. None where the server is out of sight."""

    def __init__(self, url: str, database: str):
        super().__init__(daemon=True)
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)
        self.database, self.seen, self.done = database, {}, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            pids = self.conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            ).fetchall()
            for (pid,) in pids:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self.seen[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> float | None:
        self.done.set()
        self.join()
        self.conn.close()
        return sum(self.seen.values()) if self.seen else None


def _run(args, env, backend: BackendCpu | None = None) -> tuple[float, float, str]:
    """Run a command; (wall seconds, CPU seconds of the child, its output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    if backend is not None:
        backend.start()
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{done.stdout}{done.stderr}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def _fresh_postgres(name: str) -> str:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def bench(database: str, path: Path, rows: int, workdir: Path) -> list[tuple]:
    env = dict(os.environ, ACCORD_DATA_DIR=str(workdir / database))
    shutil.rmtree(env["ACCORD_DATA_DIR"], ignore_errors=True)
    if database == "postgres":
        env["DATABASE_URL"] = _fresh_postgres(BENCH_DATABASE)
    else:
        env.pop("DATABASE_URL", None)
    subprocess.run([*ACCORD, "manage", "migrate", "-v0"], env=env, check=True)
    for owner in OWNERS[1:]:  # as a team moving in maps its CRM's owners, once
        mapped = [*ACCORD, "mappings", "set", "owner", owner, "unassigned"]
        subprocess.run(mapped, env=env, check=True, capture_output=True)
    results = []
    for run in ("first import", "re-import"):
        load_before = os.getloadavg()[0]
        backend = None
        if database == "postgres":
            backend = BackendCpu(f"{PG_SERVER}/postgres", BENCH_DATABASE)
        wall, cpu, output = _run([*ACCORD, "import", str(path), "--quiet", "-v", "2"], env, backend)
        load = f"load {load_before:.1f} -> {os.getloadavg()[0]:.1f}"
        server = backend.stop() if backend is not None else None
        results.append((database, run, rows, wall, cpu))
        print(
            f"{database:<9} {run:<13} {rows:>10,} rows {wall:8.1f} s wall {cpu:8.1f} s CPU "
            + (f"(+{server:.1f} s server CPU) " if server is not None else "")
            + f"{rows / wall:>10,.0f} rows/s  {load}",
            flush=True,
        )
        print("\n".join(line for line in output.splitlines() if line.endswith(" s")), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "accord-bench"
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.workdir / f"hubspot-contacts-{args.rows}-{args.seed}.csv"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate_hubspot_contacts.py"),
                str(args.rows),
                str(path),
                "--seed",
                str(args.seed),
            ],
            check=True,
        )
    print(f"{path.name}: {path.stat().st_size / 1e6:.0f} MB, {os.cpu_count()} CPUs", flush=True)
    for database in args.databases.split(","):
        bench(database, path, args.rows, args.workdir)


if __name__ == "__main__":
    main()
