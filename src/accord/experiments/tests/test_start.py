"""Marketing holds out part of a campaign's audience: stored per person, drawn within each
stratum, the same people again from the stored seed."""

from collections import Counter
from decimal import Decimal

import pytest
from tests.factories import CampaignFactory, PersonFactory

from accord.attribution.experiments import assign_holdout
from accord.audit.models import AuditEntry
from accord.crm.models import LifecycleStage
from accord.crm.services import Conflict, InvalidChange
from accord.experiments.models import Assignment
from accord.experiments.selectors import eligible_audience
from accord.experiments.services import HoldoutRequest, do_start_experiment
from accord.teams.access import AccessDenied
from accord.touchpoints.models import Campaign

from .scenes import audience

pytestmark = pytest.mark.django_db

TENTH = HoldoutRequest(held_out_share=Decimal("0.1"), seed=42)


@pytest.fixture
def three_segments():
    audience({("Software", "EMEA"): 200, ("Retail", "EMEA"): 100, ("Software", "Americas"): 50})


def test_a_tenth_of_each_segment_is_held_out(marketer, three_segments):
    started = do_start_experiment(marketer, CampaignFactory(), TENTH)
    held = Counter(
        Assignment.objects.filter(experiment=started.experiment, held_out=True).values_list(
            "stratum", flat=True
        )
    )
    assert held == {"Software · EMEA": 20, "Retail · EMEA": 10, "Software · Americas": 5}
    assert (started.held_out, started.exposed) == (35, 315)


def test_the_stored_seed_draws_the_same_people_again(marketer, three_segments):
    experiment = do_start_experiment(marketer, CampaignFactory(), TENTH).experiment
    people, strata = eligible_audience()
    redrawn = assign_holdout(strata, float(experiment.held_out_share), experiment.seed)
    stored = dict(experiment.assignments.values_list("person_id", "held_out"))
    assert {p: bool(h) for p, h in zip(people, redrawn, strict=True)} == stored


def test_another_seed_holds_out_other_people(marketer, three_segments):
    first = do_start_experiment(marketer, CampaignFactory(), TENTH).experiment
    second = do_start_experiment(
        marketer, CampaignFactory(), HoldoutRequest(Decimal("0.1"), seed=43)
    ).experiment

    def held(experiment):
        return set(experiment.assignments.filter(held_out=True).values_list("person_id"))

    assert held(first) != held(second)
    assert len(held(first)) == len(held(second)) == 35


def test_a_fresh_seed_is_kept_when_none_is_given(marketer, three_segments):
    experiment = do_start_experiment(
        marketer, CampaignFactory(), HoldoutRequest(Decimal("0.2"))
    ).experiment
    experiment.refresh_from_db()
    assert experiment.seed >= 0
    assert experiment.assignments.filter(held_out=True).count() == 70


def test_customers_are_not_in_the_audience(marketer, three_segments):
    customer = PersonFactory(lifecycle_stage=LifecycleStage.CUSTOMER)
    experiment = do_start_experiment(marketer, CampaignFactory(), TENTH).experiment
    assert not experiment.assignments.filter(person=customer).exists()
    assert experiment.assignments.count() == 350


def test_the_start_is_in_the_audit_trail(marketer, three_segments):
    experiment = do_start_experiment(marketer, CampaignFactory(), TENTH).experiment
    entry = AuditEntry.objects.get(record_type="experiment", record_id=str(experiment.pk))
    assert entry.actor == marketer
    assert "35 of 350 held out, seed 42" in entry.new_value


def test_a_rep_may_not_hold_out_an_audience(rep, three_segments):
    with pytest.raises(AccessDenied):
        do_start_experiment(rep, CampaignFactory(), TENTH)
    assert not Assignment.objects.exists()


def test_a_campaign_holds_out_once(marketing_head, three_segments):
    campaign = CampaignFactory()
    do_start_experiment(marketing_head, campaign, TENTH)
    with pytest.raises(Conflict, match="already holds out"):
        do_start_experiment(marketing_head, campaign, TENTH)
    assert Assignment.objects.count() == 350


def test_an_ended_campaign_is_refused(marketer, three_segments):
    campaign = CampaignFactory(status=Campaign.Status.COMPLETED)
    with pytest.raises(InvalidChange, match="completed"):
        do_start_experiment(marketer, campaign, TENTH)


@pytest.mark.parametrize("share", ["0", "0.51", "-0.1"])
def test_a_share_out_of_range_is_refused(marketer, three_segments, share):
    with pytest.raises(InvalidChange, match="at most 50%"):
        do_start_experiment(marketer, CampaignFactory(), HoldoutRequest(Decimal(share)))


def test_too_small_an_audience_is_refused(marketer):
    PersonFactory.create_batch(5)
    fifth = HoldoutRequest(Decimal("0.2"), seed=1)
    with pytest.raises(InvalidChange, match="5 people are eligible and 1 would be held out"):
        do_start_experiment(marketer, CampaignFactory(), fifth)
    assert not Assignment.objects.exists()
