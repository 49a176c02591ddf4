"""Campaigns, the touches that make up each person's journey, and the funnel those journeys drive.

A person's chance to move down the funnel is a logistic function of the channels that touched
them (events and paid search lift it, display barely does), their seniority and whether they
decide. Attribution run on the demo therefore has a true answer to find.
"""

import datetime as dt

import numpy as np
import polars as pl

from accord.crm.models import LifecycleStage as Stage
from accord.crm.models import PipelineStage
from accord.demo.company import pick
from accord.demo.vocabulary import (
    CHANNELS,
    DISQUALIFY_REASONS,
    FORM_PAGE,
    LOST_REASONS,
    OPPORTUNITY_PRODUCTS,
    PAGES,
    SEARCH_TERMS,
    SENIORITY_LIFT,
    STREAMS,
    UNPAID_UTM,
)
from accord.touchpoints.models import Channel, Touchpoint

DAY = 86_400
MONTHS = 18
NO_ONE = -1  # changed_by / owner for moves made by marketing automation


def month_starts(today: dt.date) -> list[dt.date]:
    """The first day of each month in the demo's window, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _ in range(MONTHS + 1):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def epoch(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def generate_campaigns(rng, today: dt.date, cost_scale: float, marketing_team_id: int):
    """One campaign per stream per month, costs drawn per month, this month's cost so far."""
    starts = month_starts(today)
    rows = []
    for s, stream in enumerate(STREAMS):
        low, high = stream.monthly_cost
        costs = rng.uniform(low, high, len(starts)) * cost_scale
        for m, start in enumerate(starts):
            end = (starts[m + 1] if m + 1 < len(starts) else _next_month(start)) - dt.timedelta(1)
            current = start <= today <= end
            share_so_far = ((today - start).days + 1) / ((end - start).days + 1)
            cost = costs[m] * share_so_far if current else costs[m]
            label = start.strftime("%b %Y")
            rows.append(
                {
                    "id": s * len(starts) + m + 1,
                    "name": f"{stream.name} – {label}",
                    "channel": str(stream.channel),
                    "kind": stream.kind,
                    "start_date": start,
                    "end_date": end,
                    "cost": f"{cost:.2f}",
                    "currency": "USD",
                    "owner_team_id": marketing_team_id,
                    "status": "active" if current else "completed",
                    "utm_campaign": f"{_slug(stream.name)}-{start:%Y-%m}",
                }
            )
    return pl.DataFrame(rows)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _slug(text: str) -> str:
    return "-".join(text.lower().split())


def generate_touches(rng, people: pl.DataFrame, touches_per_person: float, today: dt.date):
    """Journeys: each person meets the company several times, mostly through two favourite
    channels, over a few weeks that start somewhere in the last 18 months."""
    n = len(people)
    channels = len(CHANNELS)
    share = np.array([c.share for c in CHANNELS])
    share /= share.sum()
    extra = touches_per_person - 1
    count = 1 + rng.negative_binomial(2, 2 / (2 + extra), n)
    person = np.repeat(np.arange(n), count)
    favourite = rng.choice(channels, (n, 2), p=share)
    from_favourite = rng.random(len(person)) < 0.75
    channel = np.where(
        from_favourite,
        favourite[person, rng.integers(0, 2, len(person))],
        rng.choice(channels, len(person), p=share),
    )
    window_start, now = epoch(month_starts(today)[0]), epoch(today)
    start = rng.integers(window_start, now - 3 * DAY, n)
    length = np.minimum(rng.exponential(40 * DAY, n), now - start - DAY)
    offset = rng.random(len(person))
    first = np.r_[0, np.cumsum(count)[:-1]]
    offset[first] = 0.0
    order = np.lexsort((offset, person))
    channel, offset = channel[order], offset[order]
    at = start[person] + (offset * length[person]).astype(np.int64)
    return person, channel, at, count


def conversion_odds(people: pl.DataFrame, person, channel, count) -> np.ndarray:
    """Log-odds of moving down the funnel: which channels touched the person, and who they are."""
    n = len(people)
    touched = np.zeros((n, len(CHANNELS)), dtype=bool)
    touched[person, channel] = True
    lift = np.array([c.lift for c in CHANNELS])
    seniority = people["seniority"].replace_strict(
        {str(k): v for k, v in SENIORITY_LIFT.items()}, return_dtype=pl.Float64
    )
    return (
        -3.0
        + touched @ lift
        + 0.15 * np.log1p(count)
        + seniority.to_numpy()
        + 0.5 * people["is_decision_maker"].to_numpy()
    )


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _days(rng, low, high, n):
    return (rng.uniform(low, high, n) * DAY).astype(np.int64)


class Funnel:
    """Each person's walk down the shared funnel, as timestamps (or -1 for a stage not reached)."""

    def __init__(self, rng, odds, created, last_touch, now):
        n = len(odds)
        self.n, self.now = n, now
        self.mql = self._step(rng.random(n) < _sigmoid(odds), last_touch + _days(rng, 0.1, 3, n))
        self.sal = self._step(
            (self.mql >= 0) & (rng.random(n) < 0.85), self.mql + _days(rng, 0.05, 2, n)
        )
        rejected = (self.mql >= 0) & (self.sal < 0) & (self.mql + 2 * DAY <= now)
        self.sql = self._step(
            (self.sal >= 0) & (rng.random(n) < _sigmoid(odds + 0.4)),
            self.sal + _days(rng, 2, 14, n),
        )
        not_qualified = (self.sal >= 0) & (self.sql < 0) & (rng.random(n) < 0.5)
        self.disqualified = np.where(
            rejected,
            self.mql + 2 * DAY,
            np.where(not_qualified, self.sal + _days(rng, 3, 20, n), -1),
        )
        self.disqualified = np.where(self.disqualified <= now, self.disqualified, -1)
        self.opportunity = self._step(
            (self.sql >= 0) & (rng.random(n) < 0.8), self.sql + _days(rng, 1, 7, n)
        )
        has_opp = self.opportunity >= 0
        self.close = np.where(
            has_opp,
            self.opportunity + (rng.lognormal(np.log(45), 0.5, n) * DAY).astype(np.int64),
            -1,
        )
        self.closed = has_opp & (self.close <= now)
        self.won = self.closed & (rng.random(n) < _sigmoid(odds - 0.9))
        self.customer = np.where(self.won, self.close, -1)
        self.evangelist = self._step(
            self.won & (rng.random(n) < 0.15), self.close + _days(rng, 60, 200, n)
        )
        self.subscriber = (self.mql < 0) & (rng.random(n) < 0.25)
        self.created = created

    def _step(self, reached, at):
        return np.where(reached & (at <= self.now), at, -1)

    def final_stage(self) -> np.ndarray:
        stage = np.where(self.subscriber, Stage.SUBSCRIBER.value, Stage.LEAD.value).astype(object)
        for column, value in (
            (self.mql, Stage.MQL),
            (self.sal, Stage.SAL),
            (self.sql, Stage.SQL),
            (self.opportunity, Stage.OPPORTUNITY),
            (self.customer, Stage.CUSTOMER),
            (self.evangelist, Stage.EVANGELIST),
            (self.disqualified, Stage.DISQUALIFIED),
        ):
            stage[column >= 0] = value.value
        return stage

    def history(self, rep_of_person: np.ndarray, rng) -> pl.DataFrame:
        """The LifecycleChange rows, one per move, in the order each person made them."""
        first = np.where(self.subscriber, Stage.SUBSCRIBER.value, Stage.LEAD.value)
        rep = rep_of_person
        moves = [
            (np.ones(self.n, bool), self.created, "", first, NO_ONE, "First touch"),
            (self.mql >= 0, self.mql, Stage.LEAD, Stage.MQL, NO_ONE, "Lead score over the line"),
            (self.sal >= 0, self.sal, Stage.MQL, Stage.SAL, rep, "Accepted by sales"),
            (self.sql >= 0, self.sql, Stage.SAL, Stage.SQL, rep, "Qualified on discovery call"),
            (
                self.opportunity >= 0,
                self.opportunity,
                Stage.SQL,
                Stage.OPPORTUNITY,
                rep_of_person,
                "Opportunity opened",
            ),
            (
                self.customer >= 0,
                self.customer,
                Stage.OPPORTUNITY,
                Stage.CUSTOMER,
                rep,
                "Closed won",
            ),
            (
                self.evangelist >= 0,
                self.evangelist,
                Stage.CUSTOMER,
                Stage.EVANGELIST,
                NO_ONE,
                "Joined the reference programme",
            ),
        ]
        frames = [self._moves(*move) for move in moves]
        frames.append(self._disqualifications(rep_of_person, rng))
        return pl.concat(frames).sort("person_id", "changed_at")

    def _moves(self, mask, at, from_stage, to_stage, by, reason):
        ids = np.flatnonzero(mask)
        by = np.broadcast_to(by, self.n)[ids]
        to = to_stage if isinstance(to_stage, np.ndarray) else np.full(self.n, str(to_stage))
        return pl.DataFrame(
            {
                "person_id": ids + 1,
                "from_stage": pl.Series([str(from_stage)] * len(ids), dtype=pl.String),
                "to_stage": pl.Series(to[ids].astype(str)),
                "changed_at": at[ids],
                "changed_by_id": pl.Series(by).replace(NO_ONE, None),
                "reason": pl.Series([reason] * len(ids), dtype=pl.String),
            },
            schema_overrides={"changed_at": pl.Int64, "changed_by_id": pl.Int64},
        )

    def _disqualifications(self, rep_of_person, rng):
        ids = np.flatnonzero(self.disqualified >= 0)
        before = np.where(self.sal[ids] >= 0, Stage.SAL.value, Stage.MQL.value)
        reason = pick(DISQUALIFY_REASONS, rng.integers(0, len(DISQUALIFY_REASONS), len(ids)))
        return pl.DataFrame(
            {
                "person_id": ids + 1,
                "from_stage": pl.Series(before.astype(str)),
                "to_stage": pl.Series([Stage.DISQUALIFIED.value] * len(ids), dtype=pl.String),
                "changed_at": self.disqualified[ids],
                "changed_by_id": pl.Series(rep_of_person[ids]),
                "reason": "Disqualified: " + reason,
            },
            schema_overrides={"changed_at": pl.Int64, "changed_by_id": pl.Int64},
        )


def touch_columns(rng, person, channel, at, campaigns: pl.DataFrame, today, form_fill) -> dict:
    """Touchpoint columns: campaign by channel and month, UTM tags as GA4 would read them.

    Every text column is drawn as an index into a short table of values, so no Python string
    is made per touch.
    """
    n = len(person)
    starts = month_starts(today)
    month = np.searchsorted(np.array([epoch(s) for s in starts]), at, side="right") - 1
    utm_pairs = [(s.utm_source, s.utm_medium) for s in STREAMS]
    referrers: list[str] = []
    stream = np.full(n, -1)
    pair = np.zeros(n, dtype=np.int64)
    referrer = np.zeros(n, dtype=np.int64)
    for c, profile in enumerate(CHANNELS):
        rows = np.flatnonzero(channel == c)
        streams = [s for s, st in enumerate(STREAMS) if st.channel == profile.channel]
        if streams:
            stream[rows] = np.array(streams)[rng.integers(0, len(streams), len(rows))]
            pair[rows] = stream[rows]
        else:
            unpaid = UNPAID_UTM[profile.channel]
            pair[rows] = len(utm_pairs) + rng.integers(0, len(unpaid), len(rows))
            utm_pairs.extend(unpaid)
        referrer[rows] = len(referrers) + rng.integers(0, len(profile.referrers), len(rows))
        referrers.extend(profile.referrers)
    campaign_id = np.where(stream >= 0, stream * len(starts) + month + 1, 0)
    utm_campaign = pl.concat([pl.Series([""]), campaigns["utm_campaign"]]).gather(campaign_id)
    kind_names = [str(k) for k in Touchpoint.Kind.values]
    kind = np.array([kind_names.index(c.touch_kind) for c in CHANNELS])[channel]
    opened = (kind == kind_names.index(Touchpoint.Kind.EMAIL_CLICK)) & (rng.random(n) < 0.4)
    kind[opened] = kind_names.index(Touchpoint.Kind.EMAIL_OPEN)
    kind[form_fill] = kind_names.index(Touchpoint.Kind.FORM_FILL)
    paid_search = channel == [c.channel for c in CHANNELS].index(Channel.PAID_SEARCH)
    term = np.where(paid_search, rng.integers(0, len(SEARCH_TERMS), n), len(SEARCH_TERMS))
    page = rng.integers(0, len(PAGES), n)
    page[form_fill] = len(PAGES)
    return {
        "person_id": person + 1,
        "campaign_id": pl.Series(campaign_id).replace(0, None),
        "channel": pick([str(c.channel) for c in CHANNELS], channel),
        "kind": pick(kind_names, kind),
        "utm_source": pick([p[0] for p in utm_pairs], pair),
        "utm_medium": pick([p[1] for p in utm_pairs], pair),
        "utm_campaign": utm_campaign,
        "utm_term": pick([*SEARCH_TERMS, ""], term),
        "utm_content": pick(["", "ad-a", "ad-b"], (stream >= 0) * rng.integers(1, 3, n)),
        "referrer": pick(referrers, referrer),
        "page": pick([*PAGES, FORM_PAGE], page),
        "occurred_at": at,
    }


def opportunity_columns(rng, funnel: Funnel, people: pl.DataFrame, accounts: pl.DataFrame):
    """One opportunity per person who reached that stage, owned by their account's rep."""
    ids = np.flatnonzero(funnel.opportunity >= 0)
    account_idx = people["account_id"].to_numpy()[ids] - 1
    employees = accounts["employee_count"].to_numpy()[account_idx].astype(float)
    amount = (
        np.round(rng.lognormal(np.log(9000 * (employees / 100) ** 0.3), 0.45, len(ids)) / 100) * 100
    )
    opened, close = funnel.opportunity[ids], funnel.close[ids]
    progress = np.clip((funnel.now - opened) / np.maximum(close - opened, 1), 0, 0.999)
    open_stages = [
        PipelineStage.QUALIFICATION,
        PipelineStage.DISCOVERY,
        PipelineStage.PROPOSAL,
        PipelineStage.NEGOTIATION,
    ]
    stage = np.array([s.value for s in open_stages], object)[(progress * 4).astype(int)]
    stage[funnel.closed[ids]] = PipelineStage.CLOSED_LOST.value
    stage[funnel.won[ids]] = PipelineStage.CLOSED_WON.value
    lost = stage == PipelineStage.CLOSED_LOST.value
    reason = np.array(LOST_REASONS, object)[rng.integers(0, len(LOST_REASONS), len(ids))]
    product = pick(OPPORTUNITY_PRODUCTS, rng.integers(0, len(OPPORTUNITY_PRODUCTS), len(ids)))
    return {
        "id": np.arange(1, len(ids) + 1),
        "account_id": account_idx + 1,
        "primary_contact_id": ids + 1,
        "name": accounts["name"].gather(account_idx) + " – " + product,
        "amount": pl.Series(amount).cast(pl.Int64).cast(pl.String) + ".00",
        "currency": pl.Series(["USD"] * len(ids), dtype=pl.String),
        "stage": pl.Series(stage.astype(str)),
        "created_date": opened,
        "close_date": close,
        "lost_reason": pl.Series(np.where(lost, reason, "").astype(str)),
        "owner_id": accounts["owner_id"].gather(account_idx),
    }
