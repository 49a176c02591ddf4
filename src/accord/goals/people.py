"""People across the two teams: the named liaisons, the contact directory, and sign-ups to shadow
or rotate into the other team.

A head names the liaisons of their own team (an admin any team's); each change goes to the audit
trail. Anyone in either team signs up to shadow or rotate into the other one, for dates that have
not passed, never two stays at once.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accord.audit.services import Action, RecordType, record_change
from accord.crm.services import InvalidChange
from accord.goals.models import Rotation
from accord.teams import access
from accord.teams.access import AccessDenied
from accord.teams.models import Team, User

MAX_DAYS = 92


def team_directory() -> list[tuple[Team, list[User]]]:
    """Both teams and their active members, liaisons first, then by name."""
    teams = list(Team.objects.filter(kind__in=Team.Kind.values).order_by("kind"))
    people = User.objects.filter(is_active=True, team__in=teams).order_by(
        "-is_liaison", "full_name", "email"
    )
    by_team: dict[int | None, list[User]] = {team.pk: [] for team in teams}
    for person in people:
        by_team[person.team_id].append(person)
    return [(team, by_team[team.pk]) for team in teams]


def liaisons() -> list[User]:
    return list(
        User.objects.filter(is_active=True, is_liaison=True, team__isnull=False)
        .select_related("team")
        .order_by("team__kind", "full_name")
    )


@transaction.atomic
def do_set_liaison(user: User, person: User, is_liaison: bool) -> User:
    """Name (or stop naming) `person` a liaison to the other team."""
    if not access.may_name_liaisons_in(user, person.team_id):
        raise AccessDenied([("is_liaison", "a head names the liaisons of their own team")])
    if person.is_liaison != is_liaison:
        record_change(
            actor=user,
            action=Action.CHANGED,
            record_type=RecordType.USER,
            record_id=person.pk,
            field="is_liaison",
            old=person.is_liaison,
            new=is_liaison,
        )
        person.is_liaison = is_liaison
        person.save(update_fields=["is_liaison"])
    return person


def _other_team(user: User) -> Team:
    if not access.may_visit_other_team(user):
        raise AccessDenied([("kind", "only members of the two teams sign up to the other one")])
    other = Team.Kind.SALES if user.team_kind == Team.Kind.MARKETING else Team.Kind.MARKETING
    team = Team.objects.filter(kind=other).first()
    if team is None:
        raise InvalidChange("kind", "there is no other team to visit yet")
    return team


@transaction.atomic
def do_sign_up(
    user: User, *, kind: str, starts_on: dt.date, ends_on: dt.date, note: str = ""
) -> Rotation:
    """Sign `user` up to shadow or rotate into the other team from `starts_on` to `ends_on`."""
    if kind not in Rotation.Kind.values:
        raise InvalidChange("kind", "choose job shadowing or a rotation")
    host = _other_team(user)
    if starts_on < timezone.localdate():
        raise InvalidChange("starts_on", "the first day has passed")
    if ends_on < starts_on:
        raise InvalidChange("ends_on", "the last day is before the first")
    if (ends_on - starts_on).days >= MAX_DAYS:
        raise InvalidChange("ends_on", f"a stay lasts at most {MAX_DAYS} days")
    User.objects.select_for_update().filter(pk=user.pk).first()  # one sign-up at a time
    clash = Rotation.objects.filter(person=user, starts_on__lte=ends_on, ends_on__gte=starts_on)
    if clash.exists():
        raise InvalidChange("starts_on", "you are already signed up for some of these days")
    return Rotation.objects.create(
        person=user, kind=kind, host_team=host, starts_on=starts_on, ends_on=ends_on, note=note
    )


def rotations_from(day: dt.date):
    """Sign-ups still to come or under way on `day`, soonest first."""
    return Rotation.objects.filter(ends_on__gte=day).select_related("person", "host_team")
