"""Submit once: a retried request (same Idempotency-Key and body) gets the first answer again.

Without a key, the body is the key for a short window (`ACCORD_CAPTURE_DEDUPE_SECONDS`, ten
minutes by default): a form posted twice in a row is one submission. Keys are kept for
`ACCORD_CAPTURE_KEY_HOURS` (24 by default); `do_forget_old_submissions` deletes older ones.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accord.capture.models import CaptureSubmission
from accord.capture.sql import insert_or_nothing

KEYED_PREFIX, KEYLESS_PREFIX = "key:", "body:"


class KeyReused(Exception):
    """The Idempotency-Key was used before for a different body."""


def dedupe_window() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "ACCORD_CAPTURE_DEDUPE_SECONDS", 600))


def key_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "ACCORD_CAPTURE_KEY_HOURS", 24))


def body_hash(data) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Submission:
    """A request to answer once: whose, to which endpoint, under which stored key, of which
    body; an answer stored before `fresh_after` is too old to repeat."""

    user_id: int
    endpoint: str
    key: str
    body_hash: str
    fresh_after: dt.datetime

    def earlier_answer(self, body_hash: str, status: int, response_body: str) -> tuple[int, dict]:
        """The answer stored for this key, when it was given for this same body."""
        if body_hash != self.body_hash:
            shown = self.key.removeprefix(KEYED_PREFIX)
            raise KeyReused(
                f"The Idempotency-Key {shown!r} was already used for a different request; "
                "use a new key for a new submission"
            )
        return status, json.loads(response_body)


class Lost(Exception):
    """A concurrent request with the same key answered first: roll back, read its answer."""


def submission(user, endpoint: str, key: str | None, data) -> Submission:
    digest = body_hash(data)
    keep = key_lifetime() if key else dedupe_window()
    return Submission(
        user_id=user.pk,
        endpoint=endpoint,
        key=KEYED_PREFIX + key if key else KEYLESS_PREFIX + digest,
        body_hash=digest,
        fresh_after=timezone.now() - keep,
    )


def do_submit_once(
    submission: Submission, handler: Callable[[], tuple[int, dict]]
) -> tuple[int, dict]:
    """The answer of `handler()`, run at most once per key (or identical body, without a key).

    The claim row is inserted first, in the handler's transaction, by one
    `INSERT ... ON CONFLICT DO NOTHING` (no savepoint): a concurrent request with the same key
    waits on the unique index until this one commits, then reads its answer; if this one fails,
    nothing is stored and the other runs.
    """
    mine = CaptureSubmission.objects.filter(
        user_id=submission.user_id, endpoint=submission.endpoint, key=submission.key
    )
    for _attempt in range(3):
        with transaction.atomic():
            claim = CaptureSubmission(
                user_id=submission.user_id,
                endpoint=submission.endpoint,
                key=submission.key,
                body_hash=submission.body_hash,
                status_code=0,
                response_body="",
            )
            if insert_or_nothing(claim):  # a held key waits here for its holder to finish
                status, body = handler()
                claim.status_code, claim.response_body = status, json.dumps(body)
                claim.save(update_fields=["status_code", "response_body"])
                return status, body
            if mine.filter(created_at__lt=submission.fresh_after).delete()[0]:
                continue  # an answer too old to repeat: claim the key afresh
            earlier = mine.first()
        if earlier is not None:
            return submission.earlier_answer(
                earlier.body_hash, earlier.status_code, earlier.response_body
            )
    raise KeyReused("The submission changed while it was being answered; send it again")


def do_answer_once(
    submission: Submission, recorder: Callable[[Submission], "Recorded"]
) -> tuple[int, dict]:
    """The answer of `recorder(submission)`, which does the work and stores its answer under
    the key in one statement, or finds the answer stored there and does nothing.

    The answer's row is inserted last, with the answer, so no claim row is written first and
    updated after. A concurrent request with the same key that got there first makes the
    insert wait on the unique index and then store nothing: the recorder raises `Lost`, its
    whole transaction rolls back, and the next attempt reads that request's answer.
    """
    for _attempt in range(3):
        try:
            with transaction.atomic():
                recorded = recorder(submission)
        except Lost:
            continue
        if recorded.earlier:
            return submission.earlier_answer(*recorded.earlier)
        return recorded.status, json.loads(recorded.response_body)
    raise KeyReused("The submission changed while it was being answered; send it again")


@dataclass(frozen=True)
class Recorded:
    """What a recorder found: the answer it stored (status and JSON), or the earlier answer
    under the key (its body hash, status and JSON), when it did nothing."""

    status: int = 0
    response_body: str = ""
    earlier: tuple[str, int, str] | None = None


def do_forget_old_submissions(now: dt.datetime | None = None) -> int:
    """Delete answers no retry can ask for any more; returns how many went."""
    now = now or timezone.now()
    keyed = CaptureSubmission.objects.filter(key__startswith=KEYED_PREFIX)
    keyless = CaptureSubmission.objects.filter(key__startswith=KEYLESS_PREFIX)
    return (
        keyed.filter(created_at__lt=now - key_lifetime()).delete()[0]
        + keyless.filter(created_at__lt=now - dedupe_window()).delete()[0]
    )
