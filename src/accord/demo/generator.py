"""The whole demo company as columns, deterministic from a seed and the day it is made."""

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from accord.crm.models import LifecycleStage as Stage
from accord.demo import journeys
from accord.demo.company import generate_accounts, generate_people
from accord.demo.vocabulary import CHANNELS
from accord.touchpoints.models import Channel


@dataclass(frozen=True)
class Size:
    accounts: int
    people: int
    touches_per_person: float


SIZES = {
    "tiny": Size(accounts=40, people=300, touches_per_person=8),  # for tests
    "small": Size(accounts=300, people=2_000, touches_per_person=10),
    "medium": Size(accounts=6_000, people=50_000, touches_per_person=10),
    "large": Size(accounts=90_000, people=1_000_000, touches_per_person=10),
}

LEAD_STATUS = {
    Stage.SUBSCRIBER: "",
    Stage.LEAD: "New",
    Stage.MQL: "Open",
    Stage.SAL: "In progress",
    Stage.SQL: "Connected",
    Stage.OPPORTUNITY: "Open deal",
    Stage.CUSTOMER: "",
    Stage.EVANGELIST: "",
    Stage.DISQUALIFIED: "Unqualified",
}


def generate_company(
    seed: int, size: str, today: dt.date, rep_by_region: dict[str, int], marketing_team_id: int
) -> dict[str, pl.DataFrame]:
    """Every table of the demo company, keyed by model label, ids from 1, times in UTC."""
    rng = np.random.default_rng(seed)
    spec = SIZES[size]
    now = journeys.epoch(today)
    accounts = generate_accounts(rng, spec.accounts, rep_by_region)
    people = generate_people(rng, spec.people, accounts)
    campaigns = journeys.generate_campaigns(
        rng, today, spec.people / SIZES["small"].people, marketing_team_id
    )
    person, channel, at, count = journeys.generate_touches(
        rng, people, spec.touches_per_person, today
    )
    first_idx = np.r_[0, np.cumsum(count)[:-1]]
    last_idx = np.cumsum(count) - 1
    created, last_touch = at[first_idx], at[last_idx]
    odds = journeys.conversion_odds(people, person, channel, count)
    funnel = journeys.Funnel(rng, odds, created, last_touch, now)
    form_fill = np.zeros(len(person), dtype=bool)
    form_fill[last_idx[funnel.mql >= 0]] = True
    form_fill &= channel != [c.channel for c in CHANNELS].index(Channel.EVENTS)
    touches = journeys.touch_columns(rng, person, channel, at, campaigns, today, form_fill)

    account_rep = accounts["owner_id"].to_numpy()
    rep_of_person = account_rep[people["account_id"].to_numpy() - 1]
    stage = funnel.final_stage()
    worked_by_sales = (funnel.sal >= 0) | (funnel.disqualified >= 0)
    history = funnel.history(rep_of_person, rng)
    last_change = history.group_by("person_id").agg(pl.col("changed_at").max()).sort("person_id")
    people = people.with_columns(
        lifecycle_stage=pl.Series(stage.astype(str)),
        lead_status=pl.Series(stage.astype(str)).replace_strict(
            {k.value: v for k, v in LEAD_STATUS.items()}
        ),
        owner_id=pl.Series(np.where(worked_by_sales, rep_of_person, 0)).replace(0, None),
        original_source=pl.Series([c.channel.label for c in CHANNELS]).gather(channel[first_idx]),
        created_at=timestamps(created),
        updated_at=timestamps(last_change["changed_at"].to_numpy()),
    )
    account_created = (
        pl.DataFrame({"account_id": people["account_id"], "at": created})
        .group_by("account_id")
        .agg(pl.col("at").min())
    )
    accounts = (
        accounts.join(account_created, left_on="id", right_on="account_id", how="left")
        .with_columns(created_at=timestamps(pl.col("at").fill_null(now - 540 * journeys.DAY)))
        .drop("at")
        .sort("id")
    )
    touchpoints = pl.DataFrame(touches).with_columns(
        id=pl.int_range(1, len(person) + 1), occurred_at=timestamps(pl.col("occurred_at"))
    )
    opportunities = pl.DataFrame(
        journeys.opportunity_columns(rng, funnel, people, accounts)
    ).with_columns(
        created_date=timestamps(pl.col("created_date")).dt.date(),
        close_date=timestamps(pl.col("close_date")).dt.date(),
    )
    history = history.with_columns(
        id=pl.int_range(1, len(history) + 1), changed_at=timestamps(pl.col("changed_at"))
    )
    return {
        "touchpoints.campaign": campaigns,
        "crm.account": accounts,
        "crm.person": people,
        "crm.lifecyclechange": history,
        "crm.opportunity": opportunities,
        "touchpoints.touchpoint": touchpoints,
    }


def timestamps(seconds) -> pl.Expr | pl.Series:
    """Epoch seconds as UTC datetimes."""
    if not isinstance(seconds, pl.Expr):
        seconds = pl.Series(seconds)
    return pl.from_epoch(seconds, time_unit="s").dt.replace_time_zone("UTC")
