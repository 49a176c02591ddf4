"""Bad settings stop Accord at start with a message that names the variable and the fix."""

import os
import subprocess
import sys

import pytest


def run_accord(*args, env_overrides, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DATABASE_URL"))}
    env.update({"ACCORD_DATA_DIR": str(tmp_path)}, **env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "accord", *args], env=env, capture_output=True, text=True, timeout=60
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
