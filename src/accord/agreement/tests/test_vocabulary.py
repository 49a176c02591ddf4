from accord.crm.models import Seniority
from accord.scoring.document import CHANNELS, SENIORITIES, TOUCHPOINT_KINDS
from accord.touchpoints.models import Channel, Touchpoint


def test_the_document_speaks_the_shared_databases_vocabulary():
    assert set(SENIORITIES) == set(Seniority.values) - {""}
    assert set(TOUCHPOINT_KINDS) == set(Touchpoint.Kind.values)
    assert set(CHANNELS) == set(Channel.values)
