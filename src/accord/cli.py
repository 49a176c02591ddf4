"""The `accord` command: the product's CLI, each subcommand a Django management command."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

# `accord NAME` runs the management command on the right; the rest keep their own names.
SUBCOMMANDS = {
    "demo": "demo",
    "serve": "serve",
    "import": "import_file",
    "export": "export_csv",
    "mappings": "mappings",
    "stats": "stats",
    "token": "token",
    "score": "score",
    "agreement": "agreement",
    "attribution": "attribution",
    "capture": "capture",
    "backup": "backup",
    "restore": "restore",
    "digest": "digest",
    "worker": "worker",
    "alerts": "alerts",
    "rates": "rates",
    "sync": "sync",
    "rollups": "rollups",
}

USAGE = """usage: accord COMMAND [ARGS]

  demo [--seed N] [--size tiny|small|medium|large] [--no-serve] [--reset]
                      fill the database with a demo company and serve it
  serve [--port N]    serve the web app and API with a production WSGI server
  import FILE [--dry-run]
                      import a HubSpot, Salesforce or touchpoints CSV export
  export people|accounts|opportunities|touchpoints|lifecycle FILE.csv
  mappings set KIND "SOURCE VALUE" ACCORD_VALUE | mappings list
                      map a CRM's own stages to Accord's for every import
  stats [--json]      counts of what the shared database holds
  token create --user EMAIL [--scope full|capture]
                      make a personal API token, or a key that may only capture leads
  agreement list|show [N]|diff A B|backtest N [--months M]|suggest [--months M]
                      the signed agreement's versions, one version, what changed,
                      a version replayed on the last months beside the one in force,
                      a draft fitted on history and compared on people held out
  score --all | score PERSON_ID...
                      rescore people under the agreement in force
  attribution [--paths FILE | --touchpoints FILE] [--model NAME|all] [--order K]
              [--by channel|campaign] [--out FILE.csv] [--transition-matrix FILE.csv]
              [--engine polars|duckdb|spark] [--memory-limit SIZE] [--spark-remote sc://HOST]
                      credit conversions and value to channels or campaigns; touches
                      grouped in process, out of core (duckdb) or on Spark (a table too)
  capture forget      delete stored lead-capture answers past their retry window
  backup FILE         the whole database to one portable file (SQLite or PostgreSQL)
  restore FILE        load a backup into an empty, migrated database
  rollups --rebuild   work the dashboard's rollups out again from the records
  worker [--every SECONDS] [--reassign-on-breach]
                      send alerts and sweep SLA breaches until SIGTERM
  alerts list [--failed] | alerts replay DELIVERY_ID... | alerts replay --failed
                      alert deliveries and their attempts; send some again
  digest [--date YYYY-MM-DD]
                      e-mail the week's shared numbers to both teams
  rates import FILE.csv
                      keep exchange rates per day (columns date, from, to, rate)
  sync hubspot|salesforce [--once] [--full]
                      pull what changed in the CRM, write back what Accord owns
  manage ARGS...      any Django management command (migrate, createsuperuser, ...)

Run `accord COMMAND --help` for a command's options.
"""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        sys.exit(0 if argv else 2)
    if argv[0] == "attribution":
        from accord.attribution.command import reads_a_file, run_on_file

        if reads_a_file(argv[1:]):  # a file needs no database: no Django to boot
            sys.exit(run_on_file(argv[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    if argv[0] == "demo":
        # The demo runs on plain http://127.0.0.1, where secure-only cookies would never come back.
        os.environ.setdefault("ACCORD_SECURE_COOKIES", "false")

    from django.core.management import execute_from_command_line

    from accord.env import ConfigError

    command, rest = argv[0], argv[1:]
    metrics_dir = _metrics_dir() if command in {"serve", "demo"} else None
    parent = os.getpid()
    try:
        if command == "manage":
            execute_from_command_line(["accord manage", *rest])
        elif command in SUBCOMMANDS:
            execute_from_command_line(["accord", SUBCOMMANDS[command], *rest])
        else:
            print(f"accord: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
            sys.exit(2)
    except ConfigError as exc:
        print(f"accord: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
    finally:
        if metrics_dir is not None and os.getpid() == parent:  # not in a gunicorn worker
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _metrics_dir() -> str | None:
    """A fresh folder where each of the server's processes keeps its /metrics figures, set
    before anything imports prometheus_client (which reads it at import); None when the
    operator chose one (PROMETHEUS_MULTIPROC_DIR, emptied by them before each start)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return None
    _remove_left_behind()
    path = tempfile.mkdtemp(prefix=f"accord-metrics-{os.getpid()}-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    return path


def _remove_left_behind() -> None:
    """The folders of servers that were killed before they could remove their own."""
    for folder in Path(tempfile.gettempdir()).glob("accord-metrics-*-*"):
        pid = folder.name.split("-")[2]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:  # alive, another user's
            pass
