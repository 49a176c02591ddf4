"""The funnel, velocity and leakage on histories recorded to the microsecond, and on a random
history checked against a reading of every person and move one by one."""

import datetime as dt
import random

import polars as pl
import pytest
from tests.factories import AccountFactory, PersonFactory

from accord.crm.models import FUNNEL_ORDER, LifecycleChange, LifecycleStage, Person
from accord.crm.rollups import refresh_people
from accord.metrics import queries as q
from accord.periods import day_after, day_start

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
PERIOD = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31)}


def moved(who, from_stage, to_stage, at):
    LifecycleChange.objects.create(
        person=who, from_stage=from_stage, to_stage=to_stage, changed_at=at
    )
    refresh_people([who.pk])  # written around the services


def lead_to_mql(**period):
    velocity = q.run_velocity(q.VelocityQuery(**(period or PERIOD)))
    return next(v for v in velocity if (v.from_stage, v.to_stage) == ("lead", "mql"))


def test_velocity_counts_the_whole_seconds_between_moves_recorded_to_the_microsecond():
    # 0.005 days is 432 seconds: 431.2 s counts as 431 s (0.00 days), 432.8 s as 432 s (0.01)
    january, february = PersonFactory(), PersonFactory()
    moved(january, "", "lead", START.replace(microsecond=900_000))
    moved(january, "lead", "mql", START + dt.timedelta(seconds=432, microseconds=100_000))
    later = START + dt.timedelta(days=31)
    moved(february, "", "lead", later.replace(microsecond=100_000))
    moved(february, "lead", "mql", later + dt.timedelta(seconds=432, microseconds=900_000))

    in_january = lead_to_mql(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    in_february = lead_to_mql(start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28))

    assert (in_january.people, in_january.median_days, in_january.p80_days) == (1, 0.0, 0.0)
    assert (in_february.people, in_february.median_days, in_february.p80_days) == (1, 0.01, 0.01)


def test_velocity_pairs_first_moves_whose_later_stage_was_reached_in_the_period():
    recycled = PersonFactory()
    moved(recycled, "", "lead", START)
    moved(recycled, "lead", "mql", START + dt.timedelta(days=2))
    moved(recycled, "mql", "lead", START + dt.timedelta(days=3))
    moved(recycled, "lead", "mql", START + dt.timedelta(days=9))  # not a first move: ignored
    before = PersonFactory()  # lead in December, MQL in January: counted
    moved(before, "", "lead", START - dt.timedelta(days=30))
    moved(before, "lead", "mql", START + dt.timedelta(days=4))
    earlier = PersonFactory()  # both moves before the period: not counted
    moved(earlier, "", "lead", START - dt.timedelta(days=60))
    moved(earlier, "lead", "mql", START - dt.timedelta(days=50))
    backwards = PersonFactory()  # MQL first, lead afterwards: no lead-to-MQL time
    moved(backwards, "", "mql", START)
    moved(backwards, "mql", "lead", START + dt.timedelta(days=1))

    pair = lead_to_mql()

    assert (pair.people, pair.median_days) == (2, 18.0)  # 2 and 34 days
    assert lead_to_mql(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)).people == 0


# --- A random history read person by person ---------------------------------------------


def history(seed: int) -> None:
    """People in two regions and industries, created over five months, who moved forward
    and sometimes back, at times with microseconds, some with a current stage past their
    recorded history and some never in the funnel's stages."""
    rng = random.Random(seed)
    accounts = [
        AccountFactory(region=region, industry=industry)
        for region in ("EMEA", "APAC")
        for industry in ("Software", "Retail")
    ]
    stages = [*FUNNEL_ORDER, LifecycleStage.OTHER, LifecycleStage.DISQUALIFIED]
    for _ in range(60):
        created = dt.datetime(2025, 12, 1, tzinfo=dt.UTC) + dt.timedelta(
            seconds=rng.randrange(150 * 86400), microseconds=rng.choice([0, rng.randrange(10**6)])
        )
        who = PersonFactory(
            created_at=created,
            account=rng.choice(accounts + [None]),
            lifecycle_stage=rng.choice(stages),
        )
        at, previous = created, ""
        for _ in range(rng.randrange(7)):
            stage = rng.choice(stages[:6] + [LifecycleStage.DISQUALIFIED])
            at += dt.timedelta(seconds=rng.randrange(20 * 86400), microseconds=rng.randrange(10**6))
            moved(who, previous, stage, at)
            previous = stage
    refresh_people(Person.objects.values_list("id", flat=True))  # those who never moved too


def expected_funnel(query: q.FunnelQuery) -> q.FunnelResult:
    total, by_month = {}, {}
    start, after = day_start(query.start), day_after(query.end)
    for who in query.people().filter(created_at__gte=start, created_at__lt=after):
        reached = [q.STAGE_INDEX.get(who.lifecycle_stage, 0)]
        reached += [q.STAGE_INDEX.get(m.to_stage, 0) for m in who.lifecycle_changes.all()]
        month = who.created_at.astimezone(dt.UTC).date().replace(day=1)
        for counts in (total, by_month.setdefault(month, {})):
            counts[max(reached)] = counts.get(max(reached), 0) + 1
    return q.FunnelResult(
        total=q._waterfall(total),
        cohorts=[q.Cohort(month=m, stages=q._waterfall(c)) for m, c in sorted(by_month.items())],
    )


def expected_velocity(query: q.VelocityQuery) -> list[q.StageVelocity]:
    """Each person's first moment in each stage, paired with the next stage's when that one
    is in the period and not earlier; whole seconds; median and 80th percentile in Polars."""
    start, after = day_start(query.start), day_after(query.end)
    stage, seconds = [], []
    for who in query.people():
        first = {}
        for move in who.lifecycle_changes.filter(to_stage__in=FUNNEL_ORDER):
            index = q.STAGE_INDEX[move.to_stage]
            first[index] = min(first.get(index, move.changed_at), move.changed_at)
        for index, at in first.items():
            following = first.get(index + 1)
            if following and start <= following < after and following >= at:
                stage.append(index)
                seconds.append(int((following - at).total_seconds() // 1))
    days = pl.DataFrame({"stage": stage, "seconds": seconds}).with_columns(
        (pl.col("seconds") / 86400).alias("days")
    )
    stats = {
        row["stage"]: row
        for row in days.group_by("stage")
        .agg(
            pl.len().alias("people"),
            pl.col("days").median().alias("median"),
            pl.col("days").quantile(0.8, interpolation="linear").alias("p80"),
        )
        .iter_rows(named=True)
    }
    return [
        q.StageVelocity(
            from_stage=FUNNEL_ORDER[i],
            to_stage=FUNNEL_ORDER[i + 1],
            people=stats[i]["people"] if i in stats else 0,
            median_days=round(stats[i]["median"], 2) if i in stats else None,
            p80_days=round(stats[i]["p80"], 2) if i in stats else None,
        )
        for i in range(len(FUNNEL_ORDER) - 1)
    ]


def expected_leaks(query: q.LeakageQuery) -> list[tuple[str, str, int]]:
    start, after = day_start(query.start), day_after(query.end)
    counts = {}
    for who in query.people():
        moves = who.lifecycle_changes.filter(changed_at__gte=start, changed_at__lt=after)
        last = moves.order_by("changed_at", "id").last()
        died = last and (
            last.to_stage == LifecycleStage.DISQUALIFIED
            or (
                last.to_stage == LifecycleStage.LEAD
                and last.from_stage in FUNNEL_ORDER[q.LEAD_INDEX + 1 :]
            )
        )
        if died:
            key = (last.from_stage, last.to_stage)
            counts[key] = counts.get(key, 0) + 1
    return sorted((a, b, n) for (a, b), n in counts.items())


FILTERS = [
    PERIOD,
    {"start": dt.date(2025, 11, 1), "end": dt.date(2026, 12, 31)},
    {"start": dt.date(2026, 2, 10), "end": dt.date(2026, 2, 20)},
    {**PERIOD, "region": "EMEA"},
    {**PERIOD, "industry": "Retail"},
    {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 6, 30)},  # before anyone
]


@pytest.mark.parametrize("seed", [1, 2])
def test_funnel_velocity_and_leakage_are_those_of_each_person_and_move_read_one_by_one(seed):
    history(seed)
    assert Person.objects.count() == 60

    for filters in FILTERS:
        assert q.run_funnel(q.FunnelQuery(**filters)) == expected_funnel(q.FunnelQuery(**filters))
        assert q.run_velocity(q.VelocityQuery(**filters)) == expected_velocity(
            q.VelocityQuery(**filters)
        )
        leaks = q.run_leakage(q.LeakageQuery(**filters)).leaks
        assert sorted((x.from_stage, x.to_stage, x.people) for x in leaks) == expected_leaks(
            q.LeakageQuery(**filters)
        )
