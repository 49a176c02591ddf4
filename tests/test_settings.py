"""Bad settings stop Accord at start with a message that names the variable and the fix."""

import os
import subprocess
import sys

import pytest


def run_accord(*args, env_overrides, tmp_path, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DATABASE_URL"))}
    env.update({"ACCORD_DATA_DIR": str(tmp_path)}, **env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "accord", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "DATABASE_URL",
            "mysql://root@localhost/accord",
            "Accord runs on sqlite:///PATH or postgres://",
        ),
        ("ACCORD_DEBUG", "maybe", "ACCORD_DEBUG='maybe': expected one of"),
        ("ACCORD_LOG_FORMAT", "xml", "ACCORD_LOG_FORMAT='xml': expected one of text, json"),
        ("ACCORD_LOG_LEVEL", "loud", "ACCORD_LOG_LEVEL='loud': expected one of DEBUG"),
        ("ACCORD_TIME_ZONE", "Mars/Olympus", "not an IANA time zone"),
        ("ACCORD_SECRET_KEY", "short", "ACCORD_SECRET_KEY is too short"),
        ("ACCORD_BACKUP_KEY", "short", "ACCORD_BACKUP_KEY is too short"),
        ("ACCORD_WORKER_STALE_SECONDS", "5", "ACCORD_WORKER_STALE_SECONDS is too short"),
        ("ACCORD_METRICS_TOKEN", "short", "ACCORD_METRICS_TOKEN is too short"),
        ("ACCORD_PASSWORD_LOGIN", "false", "ACCORD_PASSWORD_LOGIN=false needs single sign-on"),
        ("ACCORD_OIDC_ISSUER", "http://sso.example.com", "the provider's address must be https"),
        ("ACCORD_OIDC_ISSUER", "https://sso.example.com", "ACCORD_OIDC_CLIENT_ID and"),
        ("ACCORD_EMAIL_PORT", "twenty-five", "'twenty-five': expected a whole number"),
        ("ACCORD_EMAIL_URL", "smtpx://u:secret@mail.example.com", "ACCORD_EMAIL_URL: the scheme"),
        (
            "ACCORD_EMAIL_URL",
            "smtp://u:secret@mail.example.com:99999",
            "ACCORD_EMAIL_URL: the port",
        ),
    ],
)
def test_a_bad_setting_stops_start_with_a_clear_error(tmp_path, variable, value, message):
    result = run_accord("stats", env_overrides={variable: value}, tmp_path=tmp_path)

    assert result.returncode == 2
    assert "configuration error" in result.stderr
    assert message in result.stderr
    assert "secret" not in result.stderr  # a mail URL's password is never repeated


def test_a_sign_on_domain_that_is_no_domain_stops_start(tmp_path):
    sign_on = {
        "ACCORD_OIDC_ISSUER": "https://sso.example.com",
        "ACCORD_OIDC_CLIENT_ID": "accord",
        "ACCORD_OIDC_CLIENT_SECRET": "secret",
        "ACCORD_OIDC_DOMAINS": "northwind.example, @northwind.example",
    }
    result = run_accord("stats", env_overrides=sign_on, tmp_path=tmp_path)

    assert result.returncode == 2
    assert "ACCORD_OIDC_DOMAINS: '@northwind.example' is not an e-mail domain" in result.stderr


def test_the_sign_on_domains_are_taken_in_any_letter_case(monkeypatch):
    from accord.env import env_sign_on

    monkeypatch.setenv("ACCORD_OIDC_ISSUER", "https://sso.example.com")
    monkeypatch.setenv("ACCORD_OIDC_CLIENT_ID", "accord")
    monkeypatch.setenv("ACCORD_OIDC_CLIENT_SECRET", "secret")
    monkeypatch.setenv("ACCORD_OIDC_DOMAINS", "Northwind.Example, northwind.co.uk")

    assert env_sign_on()["domains"] == ("northwind.example", "northwind.co.uk")


@pytest.mark.parametrize("roles", ["accord-reps=sales:marketer", "accord=everyone", "=admin"])
def test_a_sign_on_role_that_is_no_team_and_role_stops_start(tmp_path, roles):
    sign_on = {
        "ACCORD_OIDC_ISSUER": "https://sso.example.com",
        "ACCORD_OIDC_CLIENT_ID": "accord",
        "ACCORD_OIDC_CLIENT_SECRET": "secret",
        "ACCORD_OIDC_ROLES": f"it=admin; {roles}",
    }
    result = run_accord("stats", env_overrides=sign_on, tmp_path=tmp_path)

    assert result.returncode == 2
    assert f"ACCORD_OIDC_ROLES: {roles.strip()!r} is not GROUP=team:role" in result.stderr
    assert "secret" not in result.stderr


def test_without_a_configured_key_one_is_made_once_and_kept_private(tmp_path):
    first = run_accord("manage", "check", env_overrides={}, tmp_path=tmp_path)
    key_file = tmp_path / "secret_key"
    key = key_file.read_text()
    second = run_accord("manage", "check", env_overrides={}, tmp_path=tmp_path)

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert len(key) >= 50
    assert key_file.read_text() == key
    assert key_file.stat().st_mode & 0o077 == 0


def test_the_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "key.txt"
    secret.write_text("k" * 64 + "\n")
    result = run_accord(
        "manage",
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        env_overrides={"ACCORD_SECRET_KEY_FILE": str(secret)},
        tmp_path=tmp_path,
    )
    assert result.stdout.strip().splitlines()[-1] == "k" * 64


def test_the_mail_url_and_the_older_host_are_not_both_taken(tmp_path):
    overrides = {"ACCORD_EMAIL_URL": "smtp://mail.example.com", "ACCORD_EMAIL_HOST": "relay"}
    result = run_accord("stats", env_overrides=overrides, tmp_path=tmp_path)

    assert result.returncode == 2
    assert "ACCORD_EMAIL_URL and ACCORD_EMAIL_HOST/ACCORD_EMAIL_PORT are both set" in result.stderr


PRINT_ZONE_AND_SENDER = (
    "from django.conf import settings; print(settings.TIME_ZONE, settings.DEFAULT_FROM_EMAIL)"
)


def test_a_dot_env_file_in_the_folder_is_read_and_the_environment_wins(tmp_path):
    (tmp_path / ".env").write_text(
        "# the company's settings\nACCORD_TIME_ZONE=Europe/Paris\n"
        "ACCORD_FROM_EMAIL='accord@file.example'\n"
    )
    overrides = {"ACCORD_FROM_EMAIL": "accord@env.example", "PYTHONPATH": os.getcwd() + "/src"}
    result = run_accord(
        "manage",
        "shell",
        "-c",
        PRINT_ZONE_AND_SENDER,
        env_overrides=overrides,
        tmp_path=tmp_path,
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["Europe/Paris", "accord@env.example"]


def test_the_env_file_can_be_elsewhere_and_a_bad_line_stops_start(tmp_path):
    settings_file = tmp_path / "accord.env"
    settings_file.write_text("ACCORD_TIME_ZONE=Asia/Tokyo\n")
    result = run_accord(
        "manage",
        "shell",
        "-c",
        PRINT_ZONE_AND_SENDER,
        env_overrides={"ACCORD_ENV_FILE": str(settings_file)},
        tmp_path=tmp_path,
    )
    last_line = result.stdout.splitlines()[-1]
    assert last_line.split() == ["Asia/Tokyo", "accord@localhost"], result.stderr

    settings_file.write_text("ACCORD_TIME_ZONE=Asia/Tokyo\nthis is not a setting\n")
    result = run_accord(
        "stats", env_overrides={"ACCORD_ENV_FILE": str(settings_file)}, tmp_path=tmp_path
    )
    assert result.returncode == 2
    assert f"{settings_file}, line 2: not NAME=value" in result.stderr

    missing = tmp_path / "nowhere.env"
    result = run_accord("stats", env_overrides={"ACCORD_ENV_FILE": str(missing)}, tmp_path=tmp_path)
    assert result.returncode == 2
    assert f"ACCORD_ENV_FILE={missing}: no such file" in result.stderr
