"""The container image and compose file do what the README says: the image installs with the
README's own command from the lock file, its commands are ones `accord` takes, and compose runs
the web server and the worker on PostgreSQL sharing one data volume. (These machines cannot build
images; this is what can be checked without Docker.)"""

import re
import shlex
from pathlib import Path

import yaml

from accord.cli import SUBCOMMANDS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())


def instructions(name: str) -> list[str]:
    """The Dockerfile's NAME instructions, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(f"{name} ")]


def command_parser(command: str):
    from django.core.management import load_command_class

    app = "accord.web" if command in {"serve", "worker"} else "accord.demo"
    return load_command_class(app, command).create_parser("accord", command)


def test_the_image_installs_with_the_readmes_command_from_the_lock_file():
    pattern = r"python3 -m venv \.venv && \.venv/bin/pip install [^&\n]*-e \."
    [readme_install] = re.findall(pattern, README)
    assert any(run.startswith(readme_install) for run in instructions("RUN"))
    assert "requirements.lock" in readme_install


def test_the_image_runs_as_a_user_without_privileges_with_static_files_outside_the_volume():
    [user] = instructions("USER")
    assert user.split(":")[0] not in {"0", "root"}
    assert any("collectstatic" in run for run in instructions("RUN"))
    assert "ACCORD_STATIC_ROOT=/app/static" in " ".join(instructions("ENV"))
    assert instructions("VOLUME") == ['["/data"]']


def test_the_images_command_and_composes_are_ones_accord_takes():
    import json

    [entrypoint] = instructions("ENTRYPOINT")
    [command] = instructions("CMD")
    assert json.loads(entrypoint) == ["accord"]
    commands = [json.loads(command)] + [
        COMPOSE["services"][name]["command"] for name in ("web", "worker")
    ]
    for name, *args in commands:
        assert name in SUBCOMMANDS
        command_parser(SUBCOMMANDS[name]).parse_args(args)  # exits on an unknown option


def test_compose_runs_the_server_and_the_worker_on_postgresql_sharing_the_data_volume():
    services = COMPOSE["services"]
    assert set(services) == {"db", "web", "worker"}
    assert services["db"]["image"].startswith("postgres:")
    for name in ("web", "worker"):
        service = services[name]
        assert service["build"] == "." and "accord-data:/data" in service["volumes"]
        assert service["environment"]["DATABASE_URL"].startswith("postgres://accord:")
        assert "@db:5432/accord" in service["environment"]["DATABASE_URL"]
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["worker"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_every_setting_compose_gives_is_one_the_readme_documents():
    given = set(COMPOSE["services"]["web"]["environment"]) - {"DATABASE_URL"}
    documented = set(re.findall(r"`(ACCORD_[A-Z_]+)`", README))
    assert given <= documented


def test_static_files_collect_where_accord_static_root_says(tmp_path):
    from tests.test_settings import run_accord

    static = tmp_path / "static"
    result = run_accord(
        "manage",
        *shlex.split("collectstatic --noinput --verbosity 0"),
        env_overrides={"ACCORD_STATIC_ROOT": str(static)},
        tmp_path=tmp_path / "data",
    )

    assert result.returncode == 0, result.stderr
    assert (static / "web" / "accord.css").exists()
    assert not (tmp_path / "data" / "static" / "web").exists()
