"""Time `accord sync hubspot --once --full` pulling N contacts (and their companies) from the
HubSpot fake on loopback, beside `accord import` of the same contacts as HubSpot's export.

The fake (tests/fakes/hubspot.py) runs in this process and holds the contacts of the committed
generator (bench/generate_hubspot_contacts.py, same seed), each with its company's HubSpot id;
the sync reads them through HubSpot's official client, 100 a page, as from api.hubapi.com.
Each database starts empty and migrated. Printed: wall-clock and CPU seconds of the `accord`
process (start-up included; the fake's work and PostgreSQL's are in other processes), and the
one-minute load average around each run (the machine may be shared). Then a second sync at
once (nothing changed: one search per object) and the peer, `accord import` of the export.

    python bench/sync_bench.py --contacts 100000
    python bench/sync_bench.py --contacts 100000 --databases sqlite
"""

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from generate_hubspot_contacts import HEADER, rows  # noqa: E402
from import_bench import ACCORD, _fresh_postgres, _run  # noqa: E402
from tests.fakes.hubspot import TOKEN, FakeHubSpot  # noqa: E402

COLUMN = {name: n for n, name in enumerate(HEADER)}


def _internal(label: str) -> str:
    """A lifecycle stage as HubSpot's API writes it: 'Marketing Qualified Lead' ->
    'marketingqualifiedlead'; a lead status: 'In Progress' -> 'IN_PROGRESS'."""
    return label.replace(" ", "").lower()


def fill(fake: FakeHubSpot, n: int, seed: int) -> None:
    companies: dict[str, str] = {}
    contacts = []
    for row in rows(n, seed):
        name = row[COLUMN["Company Name"]]
        if name and name not in companies:
            domain = row[COLUMN["Email"]].split("@")[1]
            companies[name] = fake.add_many("companies", [{"name": name, "domain": domain}])[0]
        contacts.append(
            {
                "email": row[COLUMN["Email"]],
                "firstname": row[COLUMN["First Name"]],
                "lastname": row[COLUMN["Last Name"]],
                "phone": row[COLUMN["Phone Number"]],
                "jobtitle": row[COLUMN["Job Title"]],
                "lifecyclestage": _internal(row[COLUMN["Lifecycle Stage"]]),
                "hs_lead_status": row[COLUMN["Lead Status"]].upper().replace(" ", "_"),
                "associatedcompanyid": companies.get(name),
            }
        )
    fake.add_many("contacts", contacts)
    print(f"fake HubSpot: {n:,} contacts, {len(companies):,} companies", flush=True)


# What the fake's contacts hold, so the peer imports the same fields (no owners, no stage dates)
PEER_COLUMNS = [
    "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Job Title",
    "Lifecycle Stage", "Lead Status", "Company Name",
]  # fmt: skip


def _same_fields(export: Path) -> Path:
    trimmed = export.with_suffix(".same-fields.csv")
    with open(export, encoding="utf-8-sig", newline="") as source:
        reader = csv.DictReader(source)
        with open(trimmed, "w", encoding="utf-8-sig", newline="") as target:
            writer = csv.DictWriter(target, PEER_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(reader)
    return trimmed


def _env(database: str, workdir: Path, url: str) -> dict:
    env = dict(os.environ, ACCORD_DATA_DIR=str(workdir / database))
    env |= {"ACCORD_HUBSPOT_TOKEN": TOKEN, "ACCORD_HUBSPOT_URL": url}
    shutil.rmtree(env["ACCORD_DATA_DIR"], ignore_errors=True)
    if database == "postgres":
        env["DATABASE_URL"] = _fresh_postgres("accord_sync_bench")
    else:
        env.pop("DATABASE_URL", None)
    subprocess.run([*ACCORD, "manage", "migrate", "-v0"], env=env, check=True)
    return env


def _line(database, what, n, wall, cpu, load_before):
    print(
        f"{database:<9} {what:<22} {n:>9,} contacts {wall:7.1f} s wall {cpu:7.1f} s CPU "
        f"{n / wall:>8,.0f} contacts/s  load {load_before:.1f} -> {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def bench(database: str, n: int, url: str, export: Path, workdir: Path) -> None:
    env = _env(database, workdir, url)
    for what, args in (
        ("sync --once --full", ["sync", "hubspot", "--once", "--full", "-v", "0"]),
        ("sync --once (no change)", ["sync", "hubspot", "--once", "-v", "0"]),
    ):
        load = os.getloadavg()[0]
        wall, cpu, output = _run([*ACCORD, *args], env)
        _line(database, what, n, wall, cpu, load)
        print("   ", output.strip().replace("\n", "\n    "), flush=True)
    env = _env(database, workdir, url)
    load = os.getloadavg()[0]
    wall, cpu, _ = _run([*ACCORD, "import", str(export), "--quiet"], env)
    _line(database, "import (the peer)", n, wall, cpu, load)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "accord-sync-bench"
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    export = args.workdir / f"hubspot-contacts-{args.contacts}-{args.seed}.csv"
    subprocess.run(
        [sys.executable, str(HERE / "generate_hubspot_contacts.py"), str(args.contacts),
         str(export), "--seed", str(args.seed)],
        check=True,
    )  # fmt: skip
    export = _same_fields(export)
    fake = FakeHubSpot()
    fill(fake, args.contacts, args.seed)
    with fake as url:
        print(f"{os.cpu_count()} CPUs; HubSpot fake at {url}", flush=True)
        for database in args.databases.split(","):
            bench(database, args.contacts, url, export, args.workdir)


if __name__ == "__main__":
    main()
