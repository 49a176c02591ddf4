"""Writes to the shared-mindset check: rounds and answers."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.audit.services import Action, RecordType, record_change
from accord.mindset.models import ADVANTAGE_LENGTH, Answer, Round, author_key
from accord.teams import access
from accord.teams.models import User

FIELDS = ("first", "second", "third")
FIELD_NAMES = {"first": "first advantage", "second": "second advantage", "third": "third advantage"}


class MindsetRefused(Exception):
    """A change the rules do not allow; `errors` names each field and the reason."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(message for _, message in errors))


def check_can_answer(user: User) -> str:
    """The kind of team the user answers for: only the sales and the marketing team answer."""
    if not access.may_answer_mindset(user) or user.team_kind is None:
        raise MindsetRefused([("__all__", "Only members of the sales or marketing team answer")])
    return user.team_kind


def check_can_start_round(user: User) -> None:
    if not access.may_start_mindset_round(user):
        raise MindsetRefused([("__all__", "Only a team head or an administrator starts a round")])


def check_advantages(advantages: dict[str, str]) -> dict[str, str]:
    """The three answers, trimmed; each blank or overlong one refused by name."""
    cleaned, errors = {}, []
    for field in FIELDS:
        text = " ".join((advantages.get(field) or "").split())
        if not text:
            errors.append((field, f"The {FIELD_NAMES[field]} is missing"))
        elif len(text) > ADVANTAGE_LENGTH:
            limit = f"Keep the {FIELD_NAMES[field]} under {ADVANTAGE_LENGTH} characters"
            errors.append((field, limit))
        cleaned[field] = text
    if errors:
        raise MindsetRefused(errors)
    return cleaned


def _close(user: User, round: Round, now: dt.datetime) -> None:
    round.is_open, round.closed_at = False, now
    round.save(update_fields=["is_open", "closed_at"])
    record_change(
        actor=user,
        action=Action.CHANGED,
        record_type=RecordType.MINDSET_ROUND,
        record_id=round.pk,
        field="status",
        old="open",
        new="closed",
    )


@transaction.atomic
def do_close_round(user: User, round_id: int) -> Round:
    """Close the round, which publishes its results; closing a closed round changes nothing."""
    check_can_start_round(user)
    round = Round.objects.select_for_update().filter(pk=round_id).first()
    if round is None:
        raise MindsetRefused([("round", f"There is no shared-mindset round {round_id}")])
    if round.is_open:
        _close(user, round, timezone.now())
    return round


@transaction.atomic
def do_start_round(user: User, title: str = "") -> Round:
    """Close the open round, if any, and open a new one."""
    check_can_start_round(user)
    now = timezone.now()
    for previous in Round.objects.select_for_update().filter(is_open=True):
        _close(user, previous, now)
    title = " ".join(title.split()) or f"Round of {now:%d %b %Y}"
    try:
        with transaction.atomic():
            started = Round.objects.create(title=title[:100], started_at=now, started_by=user)
    except IntegrityError:
        # Another head started a round at the same moment: theirs is the new round.
        return Round.objects.get(is_open=True)
    record_change(
        actor=user,
        action=Action.CREATED,
        record_type=RecordType.MINDSET_ROUND,
        record_id=started.pk,
        field="title",
        new=started.title,
    )
    return started


@transaction.atomic
def do_answer(user: User, advantages: dict[str, str]) -> Answer:
    """Record the user's three advantages in the open round; a second answer replaces the first."""
    team_kind = check_can_answer(user)
    cleaned = check_advantages(advantages)
    current = Round.objects.select_for_update().filter(is_open=True).first()
    if current is None:
        raise MindsetRefused([("__all__", "No round is open: a head starts one first")])
    answer, _ = Answer.objects.update_or_create(
        round=current,
        author_key=author_key(current.pk, user.pk),
        defaults={**cleaned, "team_kind": team_kind, "answered_at": timezone.now()},
    )
    return answer
