"""The one place a stored code becomes the words people read: a lifecycle or pipeline stage
(`mql` is "Marketing qualified lead") and a channel (`paid_social` is "Paid social").

Pages, charts and panels all label through `label_of` (templates through the `label` filter of
`accord.filters`), so a code never shows raw beside its label elsewhere.
"""

from enum import StrEnum

from accord.crm.models import LifecycleStage, PipelineStage
from accord.touchpoints.models import Channel


class Vocabulary(StrEnum):
    STAGE = "stage"  # a lifecycle stage
    DEAL_STAGE = "deal_stage"
    CHANNEL = "channel"


WORDS: dict[Vocabulary, dict[str, str]] = {
    Vocabulary.STAGE: dict(LifecycleStage.choices),
    Vocabulary.DEAL_STAGE: dict(PipelineStage.choices),
    Vocabulary.CHANNEL: dict(Channel.choices),
}


def label_of(code: str, vocabulary: str) -> str:
    """The words for `code`; a value that is no code of the vocabulary (a CRM's own source, a
    campaign's name) is already words and stays as it is."""
    return WORDS[Vocabulary(vocabulary)].get(code, code)
