"""How many people a lead definition being edited would make MQLs now, fast enough to follow
the editor as the marketer types.

Scoring everybody is quick (columns, `accord.scoring`); reading everybody is not (seconds, more
as the company grows).
So this process keeps the last reading of people and touches and scores each draft against
it while the data stays as it was read, and keeps the version in force's count beside it.

Engagement is the one part of scoring that reads every touch; it depends on the engagement rules
alone, so the reading keeps the engagement points of the last few sets of rules it met, and a
keystroke in the fit rules, grades, buying power, disqualifiers or threshold scores people's
columns only (bench/README.md, "Lead definition editor").

The reading is reused while `people_stamp` is unchanged: a person, touch or deal added, a
person edited, a deal won or lost. An account edited in place leaves no trace a cheap query
can see, so a reading is also dropped after `FRESH_FOR`.
"""

import datetime as dt
import threading
from dataclasses import dataclass, field

import polars as pl
from django.db.models import Count, Max, Q
from django.utils import timezone

from accord.agreement.rescoring import load_everybody
from accord.agreement.selectors import get_agreement_in_force
from accord.crm.models import Account, Opportunity, Person, PipelineStage
from accord.scoring import AgreementDocument, engagement_points, score_people
from accord.touchpoints.models import Touchpoint

FRESH_FOR = dt.timedelta(minutes=5)
KEPT_ENGAGEMENTS = 4  # sets of engagement rules whose points a reading keeps


@dataclass(frozen=True)
class MqlsNow:
    """How many people are MQLs now under a document, and under the version in force."""

    draft: int
    in_force: int | None
    people: int

    @property
    def change(self) -> int | None:
        return None if self.in_force is None else self.draft - self.in_force


def people_stamp() -> tuple:
    """Changes when what scoring reads changes, short of an account edited in place: a few
    aggregates the indexes answer, instead of reading every row."""
    return (
        Person.objects.aggregate(n=Count("id"), last=Max("id"), edited=Max("updated_at")),
        Touchpoint.objects.aggregate(last=Max("id")),
        Account.objects.aggregate(n=Count("id"), last=Max("id")),
        Opportunity.objects.aggregate(
            last=Max("id"), won=Count("id", filter=Q(stage=PipelineStage.CLOSED_WON))
        ),
    )


@dataclass
class _Reading:
    stamp: tuple
    since: dt.datetime | None  # touches read from then on (None: all)
    read_at: dt.datetime
    people: pl.DataFrame
    touches: pl.DataFrame
    in_force: dict[int, int] = field(default_factory=dict)  # version number → its MQLs
    # engagement rules (as JSON) → each person's points under them, as of `read_at`
    engagement: dict[str, pl.DataFrame] = field(default_factory=dict)

    def engagement_of(self, doc: AgreementDocument) -> pl.DataFrame:
        key = doc.engagement.model_dump_json()
        points = self.engagement.get(key)
        if points is None:
            points = engagement_points(self.touches, doc, self.read_at)
            with _lock:
                while len(self.engagement) >= KEPT_ENGAGEMENTS:
                    del self.engagement[next(iter(self.engagement))]  # the oldest
                self.engagement[key] = points
        return points

    def covers(self, stamp: tuple, since: dt.datetime | None, now: dt.datetime) -> bool:
        window_read = self.since is None or (since is not None and since >= self.since)
        return stamp == self.stamp and window_read and now - self.read_at < FRESH_FOR


_lock = threading.Lock()
_last: _Reading | None = None


def _since(documents: list[AgreementDocument], now: dt.datetime) -> dt.datetime | None:
    """The oldest touch any of these documents' engagement windows reaches (None: every touch,
    a document without a window counts them all)."""
    days = [doc.engagement.window_days for doc in documents]
    windows = [day for day in days if day]
    if len(windows) < len(days):
        return None
    return now - dt.timedelta(days=max(windows))


def _reading(since: dt.datetime | None, now: dt.datetime) -> _Reading:
    global _last
    stamp = people_stamp()
    with _lock:
        if _last is None or not _last.covers(stamp, since, now):
            people, touches = load_everybody(since)
            _last = _Reading(stamp, since, now, people, touches)
        return _last


def _mqls(reading: _Reading, doc: AgreementDocument) -> int:
    """MQLs under `doc` as of the reading, so that the draft and the version in force are
    compared at one instant."""
    engagement = reading.engagement_of(doc)
    scores = score_people(
        reading.people, reading.touches, doc, reading.read_at, engagement=engagement
    )
    return int(scores["is_mql"].sum())


def count_mqls_now(doc: AgreementDocument) -> MqlsNow:
    """Everybody scored now by `doc` and by the version in force, on the same reading."""
    now = timezone.now()
    in_force = get_agreement_in_force()
    documents = [doc] + ([in_force.document] if in_force else [])
    reading = _reading(_since(documents, now), now)
    current = None
    if in_force:
        if in_force.number not in reading.in_force:
            reading.in_force[in_force.number] = _mqls(reading, in_force.document)
        current = reading.in_force[in_force.number]
    return MqlsNow(draft=_mqls(reading, doc), in_force=current, people=reading.people.height)


def forget() -> None:
    """Drop the kept reading (tests that change data inside one transaction and stamp)."""
    global _last
    with _lock:
        _last = None
