"""The demo company's two teams and the people who log in to Accord."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from accord.teams.models import Team, User

DEMO_PASSWORD = "accord-demo"


@dataclass(frozen=True)
class Persona:
    email: str
    full_name: str
    team: str | None  # Team.Kind value, None for the administrator
    role: str
    is_liaison: bool = False


PERSONAS = [
    Persona("marketing.head@demo.accord", "Maria Lindqvist", "marketing", User.Role.HEAD),
    Persona("sales.head@demo.accord", "Samuel Ortega", "sales", User.Role.HEAD),
    Persona("marketer1@demo.accord", "Mia Okafor", "marketing", User.Role.MARKETER, True),
    Persona("marketer2@demo.accord", "Tom Becker", "marketing", User.Role.MARKETER),
    Persona("marketer3@demo.accord", "Priya Nair", "marketing", User.Role.MARKETER),
    Persona("rep1@demo.accord", "Ray Delgado", "sales", User.Role.REP, True),
    Persona("rep2@demo.accord", "Rita Chen", "sales", User.Role.REP),
    Persona("rep3@demo.accord", "Jonas Weber", "sales", User.Role.REP),
    Persona("rep4@demo.accord", "Aiko Tanaka", "sales", User.Role.REP),
    Persona("admin@demo.accord", "Ada Admin", None, User.Role.ADMIN),
]

# Each rep covers one sales territory; accounts in a region belong to its rep.
REP_TERRITORIES = {
    "rep1@demo.accord": "North America East",
    "rep2@demo.accord": "North America West",
    "rep3@demo.accord": "EMEA",
    "rep4@demo.accord": "APAC",
}


def do_create_teams() -> dict[str, Team]:
    marketing, _ = Team.objects.update_or_create(
        kind=Team.Kind.MARKETING,
        defaults=dict(
            name="Marketing",
            time_zone="Europe/London",
            workday_start=dt.time(9, 0),
            workday_end=dt.time(17, 30),
            working_days="12345",
        ),
    )
    sales, _ = Team.objects.update_or_create(
        kind=Team.Kind.SALES,
        defaults=dict(
            name="Sales",
            time_zone="America/New_York",
            workday_start=dt.time(8, 30),
            workday_end=dt.time(17, 30),
            working_days="12345",
        ),
    )
    return {Team.Kind.MARKETING: marketing, Team.Kind.SALES: sales}


def do_create_personas(teams: dict[str, Team]) -> dict[str, User]:
    """The demo logins, all with DEMO_PASSWORD (hashed once: Argon2 is slow on purpose)."""
    password = make_password(DEMO_PASSWORD)
    users = {}
    for persona in PERSONAS:
        is_admin = persona.role == User.Role.ADMIN
        user, _ = User.objects.update_or_create(
            email=persona.email,
            defaults=dict(
                full_name=persona.full_name,
                team=teams[persona.team] if persona.team else None,
                role=persona.role,
                is_liaison=persona.is_liaison,
                is_staff=is_admin,
                is_superuser=is_admin,
                password=password,
            ),
        )
        users[persona.email] = user
    return users
