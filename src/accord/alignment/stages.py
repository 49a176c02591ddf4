"""The four relationship stages, the totals that place a group in each, and the next steps.

The stages and steps follow the source documents: a relationship moves from Undefined (each team
on its own, meeting only to settle conflicts) through Defined (clear boundaries, regular meetings)
and Aligned (flexible boundaries, joint planning) to Integrated (shared roles, goals and rewards).
"""

from dataclasses import dataclass
from enum import StrEnum

from django.urls import NoReverseMatch, reverse

from accord.alignment.statements import highest_total, lowest_total


class Stage(StrEnum):
    UNDEFINED = "Undefined"
    DEFINED = "Defined"
    ALIGNED = "Aligned"
    INTEGRATED = "Integrated"


# The lowest total of each stage, for the 20-statement questionnaire (20 to 100 points).
STAGE_FLOORS = [(80, Stage.INTEGRATED), (60, Stage.ALIGNED), (40, Stage.DEFINED)]

DESCRIPTIONS = {
    Stage.UNDEFINED: "Each team minds its own tasks; they meet only to settle conflicts.",
    Stage.DEFINED: "Boundaries and tasks are clear, and the teams talk regularly where they "
    "overlap.",
    Stage.ALIGNED: "Boundaries are flexible: the teams plan and train together and understand "
    "each other's role.",
    Stage.INTEGRATED: "The teams share roles, goals, successes and failures.",
}


def stage_for(total: float) -> Stage:
    """The stage of one person's total, or of a group's mean total (59.5 is still Defined)."""
    if not lowest_total() <= total <= highest_total():
        raise ValueError(f"A total lies between {lowest_total()} and {highest_total()}: {total}")
    for floor, stage in STAGE_FLOORS:
        if total >= floor:
            return stage
    return Stage.UNDEFINED


@dataclass(frozen=True)
class NextStep:
    title: str
    why: str
    feature: str
    url_names: tuple[str, ...]  # the first that exists is linked

    @property
    def url(self) -> str | None:
        for name in self.url_names:
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
        return None


MEETINGS = NextStep(
    "Hold regular joint meetings and keep a contact directory",
    "Meetings that set shared goals, not only settle conflicts, and everybody knows whom to ask.",
    "Joint meetings",
    ("goals:meetings",),
)
SHADOWING = NextStep(
    "Start job shadowing and name a liaison",
    "People learn the other team's work first hand; one marketer works closely with Sales.",
    "Liaisons, job shadowing and the directory of both teams",
    ("goals:people",),
)
SIT_TOGETHER = NextStep(
    "Sit the two teams together",
    "Working side by side builds rapport and brings Sales' feedback on campaigns to Marketing "
    "as it happens.",
    "Campaign feedback from reps",
    ("planning:campaigns", "planning:index"),
)
SPLIT_MARKETING = NextStep(
    "Split Marketing into upstream and downstream",
    "Upstream marketers look after the long term; downstream marketers help Sales with leads "
    "and campaigns.",
    "The joint plan and its stage owners",
    ("planning:index",),
)
SHARED_REWARDS = NextStep(
    "Share revenue goals and rewards",
    "A goal both teams own and a reward both teams earn keep them pulling the same way.",
    "Shared goals and rewards",
    ("goals:index", "metrics:dashboard"),
)

NEXT_STEPS: dict[Stage, tuple[NextStep, ...]] = {
    Stage.UNDEFINED: (MEETINGS,),
    Stage.DEFINED: (SHADOWING, SIT_TOGETHER),
    Stage.ALIGNED: (SPLIT_MARKETING, SHARED_REWARDS),
    Stage.INTEGRATED: (SHARED_REWARDS, MEETINGS),
}
