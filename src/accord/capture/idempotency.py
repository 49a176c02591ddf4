"""Submit once: a retried request (same Idempotency-Key and body) gets the first answer again.

Without a key, the body is the key for a short window (`ACCORD_CAPTURE_DEDUPE_SECONDS`, ten
minutes by default): a form posted twice in a row is one submission. Keys are kept for
`ACCORD_CAPTURE_KEY_HOURS` (24 by default); `do_forget_old_submissions` deletes older ones.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable

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


def do_submit_once(
    user, endpoint: str, key: str | None, data, handler: Callable[[], tuple[int, dict]]
) -> tuple[int, dict]:
    """The answer of `handler()`, run at most once per key (or identical body, without a key).

    The claim row is inserted first, in the handler's transaction, by one
    `INSERT ... ON CONFLICT DO NOTHING` (no savepoint): a concurrent request with the same key
    waits on the unique index until this one commits, then reads its answer; if this one fails,
    nothing is stored and the other runs.
    """
    digest = body_hash(data)
    stored_key = KEYED_PREFIX + key if key else KEYLESS_PREFIX + digest
    keep = key_lifetime() if key else dedupe_window()
    mine = CaptureSubmission.objects.filter(user=user, endpoint=endpoint, key=stored_key)
    for _attempt in range(3):
        with transaction.atomic():
            claim = CaptureSubmission(
                user=user,
                endpoint=endpoint,
                key=stored_key,
                body_hash=digest,
                status_code=0,
                response_body="",
            )
            if insert_or_nothing(claim):  # a held key waits here for its holder to finish
                status, body = handler()
                claim.status_code, claim.response_body = status, json.dumps(body)
                claim.save(update_fields=["status_code", "response_body"])
                return status, body
            if mine.filter(created_at__lt=timezone.now() - keep).delete()[0]:
                continue  # an answer too old to repeat: claim the key afresh
            earlier = mine.first()
        if earlier is not None:
            if earlier.body_hash != digest:
                raise KeyReused(
                    f"The Idempotency-Key {key!r} was already used for a different request; "
                    "use a new key for a new submission"
                )
            return earlier.status_code, json.loads(earlier.response_body)
    raise KeyReused("The submission changed while it was being answered; send it again")


def do_forget_old_submissions(now: dt.datetime | None = None) -> int:
    """Delete answers no retry can ask for any more; returns how many went."""
    now = now or timezone.now()
    keyed = CaptureSubmission.objects.filter(key__startswith=KEYED_PREFIX)
    keyless = CaptureSubmission.objects.filter(key__startswith=KEYLESS_PREFIX)
    return (
        keyed.filter(created_at__lt=now - key_lifetime()).delete()[0]
        + keyless.filter(created_at__lt=now - dedupe_window()).delete()[0]
    )
