"""Reading settings from the environment, failing loudly on bad values."""

import io
import os
from pathlib import Path
from typing import Any, overload


class ConfigError(RuntimeError):
    """A setting in the environment has a value Accord cannot use."""


@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: None = None) -> str | None: ...
def env_str(name: str, default: str | None = None) -> str | None:
    """A string setting; `NAME_FILE` (a path) is read when `NAME` is unset."""
    value = os.environ.get(name)
    if value is None and os.environ.get(f"{name}_FILE"):
        path = Path(os.environ[f"{name}_FILE"])
        try:
            value = path.read_text().strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={path}: cannot read it ({exc.strerror})") from exc
    return default if value is None or value == "" else value


def load_env_file() -> None:
    """Settings from the `.env` file of the current folder (or ACCORD_ENV_FILE), when there is
    one; a variable already in the environment wins. A line that cannot be read stops start."""
    from dotenv import load_dotenv
    from dotenv.parser import parse_stream

    given = os.environ.get("ACCORD_ENV_FILE")
    path = Path(given) if given else Path.cwd() / ".env"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if given:
            raise ConfigError(f"ACCORD_ENV_FILE={given}: no such file") from None
        return
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc})") from None
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            raise ConfigError(f"{path}, line {binding.original.line}: not NAME=value")
    load_dotenv(path, override=False)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r}: expected one of {sorted(_TRUE | _FALSE)}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a whole number") from None


def env_choice(name: str, default: str, choices: list[str]) -> str:
    """One of `choices`, in any letter case (returned as written in `choices`)."""
    raw = env_str(name, default)
    for choice in choices:
        if raw.lower() == choice.lower():
            return choice
    raise ConfigError(f"{name}={raw!r}: expected one of {', '.join(choices)}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_time_zone(name: str, default: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name}={value!r}: not an IANA time zone such as Europe/Paris") from None
    return value


def env_currency(name: str, default: str) -> str:
    value = env_str(name, default)
    if len(value) != 3 or not value.isalpha() or not value.isascii():
        raise ConfigError(f"{name}={value!r}: not a three-letter currency code such as EUR")
    return value.upper()


def env_database(name: str, default_sqlite: Path) -> dict[str, Any]:
    import dj_database_url

    raw = env_str(name) or f"sqlite:///{default_sqlite}"
    if not raw.startswith(("sqlite:", "postgres:", "postgresql:")):
        raise ConfigError(
            f"{name}={raw!r}: Accord runs on sqlite:///PATH or postgres://USER@HOST:PORT/NAME"
        )
    try:
        config: dict[str, Any] = dict(
            dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
        )
    except Exception as exc:  # dj_database_url raises several types for bad URLs
        raise ConfigError(f"{name}={raw!r}: {exc}") from None
    if config["ENGINE"].endswith("sqlite3"):
        config["CONN_MAX_AGE"] = 0
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


def secret_key_file(path: Path) -> str:
    """The key kept in the data folder, made once (mode 0600) when no key is configured."""
    import secrets

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


_MAIL_SCHEMES = {  # scheme: (use STARTTLS, use implicit TLS, default port)
    "smtp": (True, False, 587),
    "smtps": (False, True, 465),
    "smtp+insecure": (False, False, 25),
}


def env_email_url(name: str) -> dict | None:
    """Django's EMAIL_* settings from `smtp://USER:PASSWORD@HOST:PORT` (STARTTLS),
    `smtps://…` (TLS from the first byte) or `smtp+insecure://…` (no TLS, a relay on the same
    machine); user and password URL-encoded. None when the variable is unset."""
    from urllib.parse import unquote, urlsplit

    raw = env_str(name)
    if raw is None:
        return None
    url = urlsplit(raw)
    if url.scheme not in _MAIL_SCHEMES:
        raise ConfigError(
            f"{name}: the scheme must be one of {', '.join(_MAIL_SCHEMES)} "
            "(smtp://USER:PASSWORD@HOST:PORT for STARTTLS)"
        )
    starttls, implicit_tls, default_port = _MAIL_SCHEMES[url.scheme]
    try:
        port = url.port or default_port
    except ValueError:
        raise ConfigError(f"{name}: the port is not a number from 1 to 65535") from None
    if not url.hostname:
        raise ConfigError(f"{name}: no host (smtp://USER:PASSWORD@HOST:PORT)")
    if url.path not in ("", "/") or url.query:
        raise ConfigError(f"{name}: nothing may follow HOST:PORT")
    # the message never repeats the URL: it holds the password
    return {
        "EMAIL_HOST": url.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(url.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(url.password or ""),
        "EMAIL_USE_TLS": starttls,
        "EMAIL_USE_SSL": implicit_tls,
    }


_TEAM_ROLES = {  # role: the teams it may belong to (the administrator belongs to none)
    "rep": ("sales",),
    "marketer": ("marketing",),
    "head": ("marketing", "sales"),
    "admin": (None,),
}


def env_sign_on() -> dict | None:
    """Single sign-on with the company's OpenID Connect provider, None when ACCORD_OIDC_ISSUER is
    unset. The roles read `GROUP=team:role` entries separated by `;` (`admin` alone for an
    administrator): a new user gets the first entry whose group their role claim holds."""
    from urllib.parse import urlsplit

    issuer = env_str("ACCORD_OIDC_ISSUER")
    if issuer is None:
        return None
    url = urlsplit(issuer)
    if url.scheme != "https" and url.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ConfigError(f"ACCORD_OIDC_ISSUER={issuer!r}: the provider's address must be https://")
    client_id, secret = env_str("ACCORD_OIDC_CLIENT_ID"), env_str("ACCORD_OIDC_CLIENT_SECRET")
    if not client_id or not secret:
        raise ConfigError(
            "ACCORD_OIDC_ISSUER is set: ACCORD_OIDC_CLIENT_ID and ACCORD_OIDC_CLIENT_SECRET "
            "(or ACCORD_OIDC_CLIENT_SECRET_FILE) must be too, as the provider gave them"
        )
    return {
        "issuer": issuer.rstrip("/"),
        "origin": f"{url.scheme}://{url.netloc}",
        "client_id": client_id,
        "client_secret": secret,
        "name": env_str("ACCORD_OIDC_NAME", "single sign-on"),
        "role_claim": env_str("ACCORD_OIDC_ROLE_CLAIM", "groups"),
        "roles": _role_map(env_str("ACCORD_OIDC_ROLES", "")),
        "domains": _domains(env_list("ACCORD_OIDC_DOMAINS", [])),
    }


def _domains(domains: list[str]) -> tuple[str, ...]:
    """The e-mail domains whose people may sign on, lower-cased; none: any the provider vouches
    for (a provider serving many companies, as Google and Entra's multi-tenant apps do, should
    be given the company's own)."""
    import re

    for domain in domains:
        if not re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", domain):
            raise ConfigError(
                f"ACCORD_OIDC_DOMAINS: {domain!r} is not an e-mail domain such as example.com "
                "(the part after the @, without it)"
            )
    return tuple(domain.lower() for domain in domains)


def _role_map(raw: str) -> list[tuple[str, str | None, str]]:
    entries = []
    for entry in (part.strip() for part in raw.split(";")):
        if not entry:
            continue
        group, equals, grant = (part.strip() for part in entry.rpartition("="))
        team_name, _, role = grant.rpartition(":")
        team = team_name or None
        if not equals or not group or team not in _TEAM_ROLES.get(role, ()):
            raise ConfigError(
                f"ACCORD_OIDC_ROLES: {entry!r} is not GROUP=team:role with a team of marketing "
                "or sales and a role of rep (sales), marketer (marketing) or head, or GROUP=admin"
            )
        entries.append((group, team, role))
    return entries
