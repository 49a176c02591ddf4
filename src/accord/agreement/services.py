"""Writes to the agreement: drafts, edits, comments, signatures, rescoring when one takes effect."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accord.agreement.diff import diff_documents
from accord.agreement.models import AgreementEvent, AgreementVersion, Comment, Signature
from accord.agreement.rescoring import RescoreResult, people_sharing_accounts, rescore
from accord.agreement.selectors import get_agreement_in_force
from accord.agreement.suggestion import DEFAULT_MONTHS, suggest_from_history
from accord.agreement.tasks import rescore_under
from accord.alerts.models import Event
from accord.alerts.services import do_queue_alert
from accord.audit.services import Action, RecordType, record_change
from accord.scoring import AgreementDocument, check_document
from accord.teams import access
from accord.teams.models import User
from accord.teams.selectors import signing_heads

Status = AgreementVersion.Status
ACCOUNT_BUYING_POWER = ("account", "person_or_account")


class AgreementRefused(Exception):
    """A change to the agreement that the rules do not allow; the message says why."""


def check_can_propose(user: User) -> None:
    if not access.may_propose_agreement(user):
        raise AgreementRefused("Only members of the marketing or sales team can propose changes")


# Events that also go to the audit trail: (action, field); comments stay on the version's page.
AUDITED_EVENTS = {
    AgreementEvent.Kind.CREATED: (Action.CREATED, "document"),
    AgreementEvent.Kind.EDITED: (Action.CHANGED, "document"),
    AgreementEvent.Kind.SIGNED: (Action.SIGNED, "signature"),
    AgreementEvent.Kind.TOOK_EFFECT: (Action.TOOK_EFFECT, "status"),
}


def _event(
    version: AgreementVersion, kind: AgreementEvent.Kind, actor: User | None, detail: str = ""
) -> AgreementEvent:
    if kind in AUDITED_EVENTS:
        action, field = AUDITED_EVENTS[kind]
        record_change(
            actor=actor,
            action=action,
            record_type=RecordType.AGREEMENT,
            record_id=version.pk,
            field=field,
            new=detail,
            reason=f"v{version.number}",
        )
    return AgreementEvent.objects.create(version=version, kind=kind, actor=actor, detail=detail)


# A lead definition as the pages, the API and the commands send it: checked, or raw JSON data
DocumentInput = AgreementDocument | str | bytes | dict[str, Any]


def _as_document(data: DocumentInput) -> AgreementDocument:
    return data if isinstance(data, AgreementDocument) else check_document(data)


@transaction.atomic
def do_create_draft(user: User, data: DocumentInput) -> AgreementVersion:
    """A new draft, based on the version in force. Raises DocumentError for an invalid document."""
    check_can_propose(user)
    doc = _as_document(data)
    current = get_agreement_in_force()
    number = (AgreementVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    version = AgreementVersion(number=number, based_on=current, created_by=user)
    version.document = doc
    version.save()
    changes = diff_documents(current.document if current else None, doc)
    _event(version, AgreementEvent.Kind.CREATED, user, "\n".join(changes))
    _ask_heads_to_sign(version, user, changes)
    return version


def _ask_heads_to_sign(version: AgreementVersion, author: User, changes: list[str]) -> None:
    """Each head but the author finds the new draft in their bell, once it commits."""
    summary = "\n".join(f"- {change}" for change in changes[:10])
    do_queue_alert(
        Event.AGREEMENT_TO_SIGN,
        f"Agreement v{version.number} awaits your signature",
        f"{author} drafted v{version.number} of the agreement.\n{summary}".strip(),
        {"version": version.number, "author_email": author.email},
        signing_heads(excluding=author),
        link=reverse("agreement:version", args=[version.number]),
    )


def do_edit(version: AgreementVersion, user: User, data: DocumentInput) -> AgreementVersion:
    """Change a draft nobody has signed yet in place; anything signed is edited as a new draft."""
    check_can_propose(user)
    doc = _as_document(data)
    with transaction.atomic():
        locked = AgreementVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status != Status.DRAFT or locked.signatures.exists():
            return do_create_draft(user, doc)
        changes = diff_documents(locked.document, doc)
        locked.document = doc
        locked.based_on = get_agreement_in_force()
        locked.save(update_fields=["document_data", "based_on"])
        _event(locked, AgreementEvent.Kind.EDITED, user, "\n".join(changes))
    return locked


def do_suggest_draft(user: User, months: int = DEFAULT_MONTHS) -> AgreementVersion:
    """A draft fitted on the last months of history, with a comment on how it ranks held-out people.

    Raises NotEnoughHistory when too few people converted in that time to learn from.
    """
    check_can_propose(user)
    suggested = suggest_from_history(get_agreement_in_force(), months)
    with transaction.atomic():
        version = do_create_draft(user, suggested.document)
        do_comment(version, user, suggested.summary())
    return version


@transaction.atomic
def do_comment(version: AgreementVersion, user: User, body: str) -> Comment:
    check_can_propose(user)
    body = body.strip()
    if not body:
        raise AgreementRefused("A comment needs some text")
    comment = Comment.objects.create(version=version, author=user, body=body)
    _event(version, AgreementEvent.Kind.COMMENTED, user, body)
    return comment


def do_sign(version: AgreementVersion, user: User) -> AgreementVersion:
    """Sign for the user's team; the second team's signature puts the version in force.

    The version row is locked, so two heads signing at once are applied one after the other;
    a partial unique constraint keeps a second version from ever being in force.
    """
    team = access.signing_team(user)
    if team is None:
        raise AgreementRefused("Only the marketing head and the sales head can sign")
    with transaction.atomic():
        locked = AgreementVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status != Status.DRAFT:
            raise AgreementRefused(f"v{locked.number} is {locked.get_status_display().lower()}")
        current = (
            AgreementVersion.objects.select_for_update().filter(status=Status.IN_FORCE).first()
        )
        if locked.based_on_id != (current.pk if current else None):
            raise AgreementRefused(
                f"v{locked.number} is outdated: v{current.number if current else '?'} took "
                "effect after it was drafted; edit it to make a draft of the agreement in force"
            )
        if locked.signatures.filter(team_kind=team).exists():
            raise AgreementRefused(f"The {team} head has already signed v{locked.number}")
        Signature.objects.create(version=locked, signer=user, team_kind=team)
        _event(locked, AgreementEvent.Kind.SIGNED, user, f"for {team}")
        if locked.signatures.count() == 2:
            try:
                with transaction.atomic():
                    _take_effect(locked, current, user)
            except IntegrityError:  # another draft took effect at this very moment
                raise AgreementRefused(
                    f"v{locked.number} is outdated: another version took effect as it was signed"
                ) from None
    version.refresh_from_db()
    return version


def _take_effect(version: AgreementVersion, previous: AgreementVersion | None, user: User) -> None:
    now = timezone.now()
    if previous is not None:
        previous.status, previous.superseded_at = Status.SUPERSEDED, now
        previous.save(update_fields=["status", "superseded_at"])
        record_change(
            actor=user,
            action=Action.CHANGED,
            record_type=RecordType.AGREEMENT,
            record_id=previous.pk,
            field="status",
            old=Status.IN_FORCE,
            new=Status.SUPERSEDED,
            reason=f"v{version.number} took effect",
        )
    version.status, version.took_effect_at = Status.IN_FORCE, now
    version.save(update_fields=["status", "took_effect_at"])
    changes = diff_documents(previous.document if previous else None, version.document)
    _event(version, AgreementEvent.Kind.TOOK_EFFECT, user, "\n".join(changes))
    transaction.on_commit(lambda: rescore_under.enqueue(version.pk))


def do_rescore_all(
    version: AgreementVersion | None = None, progress: bool = False
) -> RescoreResult | None:
    """Rescore everybody under the version in force (or `version`); new MQLs move stage."""
    version = version or get_agreement_in_force()
    if version is None:
        return None
    return rescore(version, progress=progress)


def do_rescore_people(
    person_ids: list[int], version: AgreementVersion | None = None
) -> RescoreResult | None:
    """Rescore after a new person or touchpoint arrives, under the version in force (`version`
    when the caller has just read it): them, and the people on their accounts when the
    agreement's buying power counts an account's decision makers (a new one changes them all;
    otherwise nobody else's score depends on them)."""
    version = version or get_agreement_in_force()
    if version is None or not person_ids:
        return None
    if version.document.buying_power.required in ACCOUNT_BUYING_POWER:
        return rescore(version, people_sharing_accounts(list(person_ids)))
    return rescore(version, sorted(set(person_ids)))
