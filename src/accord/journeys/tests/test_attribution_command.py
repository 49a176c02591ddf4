"""`accord attribution`: credits from files and from the shared database, and clear refusals."""

import csv
import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from tests.factories import (
    AccountFactory,
    CampaignFactory,
    OpportunityFactory,
    PersonFactory,
    TouchpointFactory,
)

from accord import attribution as engine
from accord.cli import main
from accord.journeys.selectors import NO_CAMPAIGN

PATHS = pl.DataFrame(
    {
        "path": ["email > paid_search > direct", "direct", "events > email", "paid_search"],
        "total_conversions": [2, 1, 1, 0],
        "total_conversion_value": [300.0, 50.0, 1000.0, 0.0],
        "total_null": [1, 4, 0, 7],
    }
)


def credits(frame, model):
    rows = frame.filter(pl.col("model") == model).sort("channel_name")
    return dict(
        zip(
            rows["channel_name"],
            zip(rows["total_conversions"], rows["total_conversion_value"], strict=True),
            strict=True,
        )
    )


def test_paths_csv_to_credits_csv(tmp_path, capsys):
    source, out = tmp_path / "paths.csv", tmp_path / "credits.csv"
    PATHS.write_csv(source)
    call_command("attribution", paths=str(source), model="last_touch", out=str(out))
    assert "Wrote 4 rows" in capsys.readouterr().out
    assert credits(pl.read_csv(out), "last_touch") == {
        "direct": (3.0, 350.0),
        "email": (1.0, 1000.0),
        "events": (0.0, 0.0),
        "paid_search": (0.0, 0.0),
    }


def test_all_models_on_parquet_each_credit_every_conversion(tmp_path, capsys):
    source = tmp_path / "paths.parquet"
    PATHS.write_parquet(source)
    call_command("attribution", paths=str(source), model="all", order=3)
    captured = capsys.readouterr()
    frame = pl.read_csv(captured.out.encode())
    totals = frame.group_by("model").agg(
        pl.col("total_conversions", "total_conversion_value").sum()
    )
    assert set(totals["model"]) == {
        "first_touch", "last_touch", "last_non_direct", "linear", "time_decay",
        "position_based", "markov_3", "shapley",
    }  # fmt: skip
    assert totals["total_conversions"].to_list() == pytest.approx([4.0] * 8)
    assert totals["total_conversion_value"].to_list() == pytest.approx([1350.0] * 8)
    assert "skipped w_shaped, full_path" in captured.err


def test_touchpoints_with_stage_markers_give_w_shaped_credit(tmp_path, capsys):
    source = tmp_path / "touchpoints.csv"
    pl.DataFrame(
        {
            "journey_id": ["j1"] * 5,
            "occurred_at": [f"2026-03-0{d}T10:00:00" for d in (1, 2, 3, 5, 6)],
            "channel": ["ads", "blog", "events", "email", "demo"],
            "converted": [1] * 5,
            "value": [1000] * 5,
            "lead_at": ["2026-03-03T12:00:00"] * 5,
            "opportunity_at": ["2026-03-06T12:00:00"] * 5,
        }
    ).write_csv(source)
    call_command("attribution", touchpoints=str(source), model="w_shaped", bootstrap=20)
    frame = pl.read_csv(capsys.readouterr().out.encode())
    assert credits(frame, "w_shaped") == {
        "ads": pytest.approx((0.3, 300.0)),
        "blog": pytest.approx((0.05, 50.0)),
        "demo": pytest.approx((0.3, 300.0)),
        "email": pytest.approx((0.05, 50.0)),
        "events": pytest.approx((0.3, 300.0)),
    }
    assert {"conversions_low", "conversions_high"} <= set(frame.columns)


@pytest.mark.django_db
def test_database_journeys_by_campaign_up_to_the_opportunity(capsys):
    now = timezone.now()
    webinar, ads = CampaignFactory(name="Spring webinar"), CampaignFactory(name="Search ads")
    # The buyer became a lead before any touch, so W-shaped splits first touch / opportunity.
    buyer, browser = PersonFactory(created_at=now - dt.timedelta(days=25)), PersonFactory()
    OpportunityFactory(
        primary_contact=buyer, amount=Decimal("5000"), created_date=(now - dt.timedelta(10)).date()
    )
    TouchpointFactory(person=buyer, campaign=ads, occurred_at=now - dt.timedelta(days=20))
    TouchpointFactory(person=buyer, campaign=webinar, occurred_at=now - dt.timedelta(days=12))
    # After the opportunity, and before the lookback window: neither counts.
    TouchpointFactory(person=buyer, campaign=ads, occurred_at=now - dt.timedelta(days=2))
    TouchpointFactory(person=buyer, campaign=ads, occurred_at=now - dt.timedelta(days=200))
    TouchpointFactory(person=browser, campaign=None, occurred_at=now - dt.timedelta(days=1))

    call_command("attribution", by="campaign", model="all", lookback_days=90)
    frame = pl.read_csv(capsys.readouterr().out.encode())
    assert credits(frame, "first_touch") == {
        NO_CAMPAIGN: (0.0, 0.0),
        "Search ads": (1.0, 5000.0),
        "Spring webinar": (0.0, 0.0),
    }
    assert credits(frame, "w_shaped")["Spring webinar"] == pytest.approx((0.5, 2500.0))


@pytest.mark.django_db
def test_a_campaign_named_like_a_formula_is_written_as_text(tmp_path, capsys):
    now = timezone.now()
    evil = '=HYPERLINK("http://evil.example","Spring")'
    buyer = PersonFactory(created_at=now - dt.timedelta(days=25))
    OpportunityFactory(
        primary_contact=buyer, amount=Decimal("5000"), created_date=(now - dt.timedelta(10)).date()
    )
    campaign = CampaignFactory(name=evil)
    TouchpointFactory(person=buyer, campaign=campaign, occurred_at=now - dt.timedelta(days=20))
    out, matrix = tmp_path / "credits.csv", tmp_path / "matrix.csv"

    call_command(
        "attribution", by="campaign", model="all", out=str(out), transition_matrix=str(matrix)
    )
    call_command("attribution", by="campaign", model="linear")

    with out.open(newline="") as handle:
        credited = {row["channel_name"] for row in csv.DictReader(handle)}
    with matrix.open(newline="") as handle:
        states = {cell for row in csv.DictReader(handle) for cell in row.values()}
    printed = pl.read_csv(capsys.readouterr().out.split("\n", 2)[2].encode())
    assert "'" + evil in credited and evil not in credited
    assert "'" + evil in states and evil not in states
    assert printed["channel_name"].to_list() == ["'" + evil]


@pytest.mark.django_db
def test_won_conversion_counts_only_closed_won_deals(capsys):
    now = timezone.now()
    person = PersonFactory()
    OpportunityFactory(primary_contact=person, created_date=(now - dt.timedelta(5)).date())
    TouchpointFactory(person=person, channel="email", occurred_at=now - dt.timedelta(days=7))
    call_command("attribution", conversion="won", model="linear")
    assert credits(pl.read_csv(capsys.readouterr().out.encode()), "linear") == {"email": (0.0, 0.0)}


@pytest.mark.parametrize(
    ("frame", "suffix", "message"),
    [
        (PATHS.rename({"path": "journey"}), ".csv", "missing column(s) 'path'"),
        (PATHS.with_columns(total_null=pl.lit(-1)), ".csv", "'total_null' has negative values"),
        (PATHS.with_columns(path=pl.lit("a >  > b")), ".csv", "empty step"),
        (PATHS.with_columns(path=pl.lit(None, pl.String)), ".csv", "empty path"),
        (PATHS, ".parquet.csv-not", "expected a .csv or .parquet file"),
    ],
)
def test_bad_paths_files_are_refused_with_the_reason(tmp_path, frame, suffix, message):
    source = tmp_path / f"paths{suffix}"
    frame.write_csv(source)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("attribution", paths=str(source))


def test_a_csv_named_parquet_exits_non_zero_naming_the_problem(tmp_path, capsys):
    source = tmp_path / "paths.parquet"
    PATHS.write_csv(source)
    with pytest.raises(SystemExit) as exit_info:
        main(["attribution", "--paths", str(source)])
    assert exit_info.value.code != 0
    assert "is not a readable Parquet file" in capsys.readouterr().err


def test_unknown_model_and_bad_order_are_refused(tmp_path):
    source = tmp_path / "paths.csv"
    PATHS.write_csv(source)
    with pytest.raises(CommandError, match="unknown model 'markow'"):
        call_command("attribution", paths=str(source), model="markow")
    with pytest.raises(CommandError, match="order must be 1 to 4"):
        call_command("attribution", paths=str(source), model="markov", order=7)


@pytest.mark.django_db
def test_an_empty_database_has_no_journeys_rather_than_an_error():
    from accord.journeys.selectors import journey_touchpoints

    assert journey_touchpoints().height == 0


def test_markov_rows_carry_removal_effects_and_the_matrix_can_be_written(tmp_path, capsys):
    source, matrix = tmp_path / "paths.csv", tmp_path / "matrix.csv"
    PATHS.write_csv(source)
    call_command("attribution", paths=str(source), model="all", transition_matrix=str(matrix))
    frame = pl.read_csv(capsys.readouterr().out.split("\n", 1)[1].encode())
    markov = frame.filter(pl.col("model") == "markov").sort("channel_name")
    effects = dict(zip(markov["channel_name"], markov["removal_effects_conversion"], strict=True))
    expected = engine.attribute(engine.read_paths(str(source)), "markov").details["removal_effects"]
    expected = dict(expected.select("channel_name", "removal_effects_conversion").rows())
    assert effects == pytest.approx(expected)
    assert all(0 < e <= 1 for e in effects.values())
    assert frame.filter(pl.col("model") == "linear")["removal_effects_conversion"].is_null().all()
    probabilities = (
        pl.read_csv(matrix)
        .group_by("model", "channel_from")
        .agg(pl.col("transition_probability").sum())
    )
    assert probabilities["model"].unique().to_list() == ["markov"]
    assert probabilities["transition_probability"].to_numpy() == pytest.approx(1.0)


def test_transition_matrix_without_a_markov_model_is_refused(tmp_path):
    source = tmp_path / "paths.csv"
    PATHS.write_csv(source)
    with pytest.raises(CommandError, match="needs a Markov model"):
        call_command(
            "attribution",
            paths=str(source),
            model="linear",
            transition_matrix=str(tmp_path / "m.csv"),
        )


@pytest.mark.django_db
def test_account_journeys_join_the_touches_of_all_its_people(capsys):
    """Two people of one account, one journey: Ann's event then Bob's ad and e-mail, up to
    the account's first deal (created 5 days ago, 9,000), whoever its contact is. A person with
    no account is in no account journey. By hand, over the path events > paid_search > email:
    first touch all to events; last touch all to email; linear a third each (3,000); U-shaped
    40/20/40. Per person, Bob's path would convert on his own deal only, and Ann's not at all."""
    now = timezone.now()
    acme = AccountFactory(name="Acme")
    ann = PersonFactory(account=acme, created_at=now - dt.timedelta(days=60))
    bob = PersonFactory(account=acme, created_at=now - dt.timedelta(days=60))
    loner = PersonFactory(account=None)
    OpportunityFactory(
        account=acme,
        primary_contact=bob,
        amount=Decimal("9000"),
        created_date=(now - dt.timedelta(days=5)).date(),
    )
    TouchpointFactory(person=ann, channel="events", occurred_at=now - dt.timedelta(days=30))
    TouchpointFactory(person=bob, channel="paid_search", occurred_at=now - dt.timedelta(days=20))
    TouchpointFactory(person=ann, channel="email", occurred_at=now - dt.timedelta(days=10))
    # After the account's deal was created: not part of the converting journey.
    TouchpointFactory(person=bob, channel="direct", occurred_at=now - dt.timedelta(days=1))
    TouchpointFactory(person=loner, channel="sms", occurred_at=now - dt.timedelta(days=3))

    call_command("attribution", journey="account", model="all")
    frame = pl.read_csv(capsys.readouterr().out.encode())
    assert set(frame["channel_name"]) == {"events", "paid_search", "email"}
    assert credits(frame, "first_touch")["events"] == (1.0, 9000.0)
    assert credits(frame, "last_touch")["email"] == (1.0, 9000.0)
    for channel, share in [("events", 1 / 3), ("paid_search", 1 / 3), ("email", 1 / 3)]:
        assert credits(frame, "linear")[channel] == pytest.approx((share, 9000 * share))
    for channel, share in [("events", 0.4), ("paid_search", 0.2), ("email", 0.4)]:
        assert credits(frame, "position_based")[channel] == pytest.approx((share, 9000 * share))

    call_command("attribution", journey="person", model="linear")
    by_person = credits(pl.read_csv(capsys.readouterr().out.encode()), "linear")
    assert by_person["paid_search"] == pytest.approx((1.0, 9000.0))
    assert by_person["events"] == by_person["email"] == (0.0, 0.0)


@pytest.mark.django_db
def test_account_journey_converts_when_the_accounts_deal_is_won(capsys):
    """Won conversion by account: the account's first won deal (closed 3 days ago, 2,000)
    ends the journey; the open deal created earlier does not."""
    now = timezone.now()
    acme = AccountFactory(name="Acme")
    ann, bob = PersonFactory(account=acme), PersonFactory(account=acme)
    OpportunityFactory(
        account=acme, primary_contact=None, created_date=(now - dt.timedelta(40)).date()
    )
    OpportunityFactory(
        account=acme,
        primary_contact=None,
        stage="closed_won",
        amount=Decimal("2000"),
        created_date=(now - dt.timedelta(days=20)).date(),
        close_date=(now - dt.timedelta(days=3)).date(),
    )
    TouchpointFactory(person=ann, channel="email", occurred_at=now - dt.timedelta(days=50))
    TouchpointFactory(person=bob, channel="events", occurred_at=now - dt.timedelta(days=10))
    call_command("attribution", journey="account", conversion="won", model="last_touch")
    assert credits(pl.read_csv(capsys.readouterr().out.encode()), "last_touch") == {
        "email": (0.0, 0.0),
        "events": (1.0, 2000.0),
    }


def run_without_django(argv):
    """`accord attribution ARGV` in a fresh process: its exit code, and the Django modules it
    loaded."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from accord.cli import main\n"
        "try:\n"
        f"    main({['attribution', *argv]!r})\n"
        "except SystemExit as done:\n"
        "    print('exit', done.code)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return ran.stdout.splitlines()[-2:]


def test_a_file_is_credited_in_a_process_that_never_loads_django(tmp_path):
    """A paths file needs no database, so `accord attribution --paths` does not boot Django."""
    source, out = tmp_path / "paths.csv", tmp_path / "credits.csv"
    PATHS.write_csv(source)
    assert run_without_django(["--paths", str(source), "--out", str(out)]) == ["exit 0", "[]"]
    assert credits(pl.read_csv(out), "last_touch")["direct"] == (3.0, 350.0)


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_touches_are_credited_in_a_process_that_never_loads_django(tmp_path, engine):
    if engine == "duckdb":
        pytest.importorskip("duckdb")
    source, out = tmp_path / "touches.parquet", tmp_path / "credits.csv"
    touches = pl.DataFrame(
        {
            "journey_id": [1, 1, 2, 3, 3],
            "occurred_at": [dt.datetime(2026, 3, d) for d in (1, 2, 1, 4, 2)],
            "channel": ["email", "direct", "direct", "events", "email"],
            "converted": [1, 1, 0, 1, 1],
            "value": [300.0, 300.0, 0.0, 1000.0, 1000.0],
        }
    )
    touches.write_parquet(source)
    argv = ["--touchpoints", str(source), "--engine", engine, "--model", "last_touch"]
    assert run_without_django([*argv, "--out", str(out)]) == ["exit 0", "[]"]
    assert credits(pl.read_csv(out), "last_touch") == {
        "direct": (1.0, 300.0),
        "email": (0.0, 0.0),
        "events": (1.0, 1000.0),
    }
