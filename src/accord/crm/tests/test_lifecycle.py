from tests.factories import PersonFactory

from accord.crm.models import LifecycleChange, LifecycleStage
from accord.crm.services import do_change_lifecycle_stage


def test_a_stage_change_is_kept_as_history(marketer):
    person = PersonFactory(lifecycle_stage=LifecycleStage.LEAD)

    assert do_change_lifecycle_stage(person, LifecycleStage.MQL, by=marketer, reason="score 72")

    person.refresh_from_db()
    assert person.lifecycle_stage == LifecycleStage.MQL
    change = LifecycleChange.objects.get(person=person)
    assert (change.from_stage, change.to_stage) == ("lead", "mql")
    assert change.changed_by == marketer
    assert change.reason == "score 72"


def test_moving_to_the_same_stage_writes_no_history(db):
    person = PersonFactory(lifecycle_stage=LifecycleStage.SQL)

    assert not do_change_lifecycle_stage(person, LifecycleStage.SQL)
    assert not LifecycleChange.objects.exists()


def test_an_unknown_stage_is_refused(db):
    import pytest

    person = PersonFactory()
    with pytest.raises(ValueError, match="Unknown lifecycle stage 'hot'"):
        do_change_lifecycle_stage(person, "hot")
    assert not LifecycleChange.objects.exists()
