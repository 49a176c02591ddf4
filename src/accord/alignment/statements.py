"""The relationship questionnaire: statements each person rates from 1 to 5.

The statements are defined here, in code, one tuple per questionnaire version. A round records the
version it asked, so a later rewording never changes what earlier answers meant. Ratings are stored
by statement key.
"""

from dataclasses import dataclass

SCALE = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
LOWEST, HIGHEST = min(SCALE), max(SCALE)


@dataclass(frozen=True)
class Statement:
    number: int
    key: str
    theme: str
    text: str

    @property
    def label(self) -> str:
        return f"S{self.number}"


def _numbered(rows: list[tuple[str, str, str]]) -> tuple[Statement, ...]:
    return tuple(Statement(i, key, theme, text) for i, (key, theme, text) in enumerate(rows, 1))


VERSION_1 = _numbered(
    [
        (
            "shared-targets",
            "Shared goals and metrics",
            "Sales and Marketing work towards revenue targets they set together.",
        ),
        (
            "shared-numbers",
            "Shared goals and metrics",
            "Both teams judge success by the same few numbers.",
        ),
        (
            "lead-definition",
            "Common lead definition",
            "We agree on what makes a lead worth a rep's time.",
        ),
        (
            "lead-follow-up",
            "Common lead definition",
            "Leads Marketing passes on are followed up promptly, and a rejected one comes back "
            "with a reason.",
        ),
        (
            "regular-meetings",
            "Communication and meetings",
            "The two teams meet on a fixed rhythm, not only when something has gone wrong.",
        ),
        (
            "who-to-ask",
            "Communication and meetings",
            "I know whom to ask in the other team about anything that comes up.",
        ),
        (
            "open-disagreement",
            "Communication and meetings",
            "Disagreements between the teams are talked through openly and settled quickly.",
        ),
        (
            "joint-plans",
            "Joint planning",
            "Campaign and sales plans are drawn up with both teams at the table.",
        ),
        (
            "advance-notice",
            "Joint planning",
            "Sales hears about a campaign well before customers do.",
        ),
        (
            "same-records",
            "Shared data",
            "We all work from the same customer records, and they are kept up to date.",
        ),
        (
            "trusted-figures",
            "Shared data",
            "I trust the figures the other team reports.",
        ),
        (
            "field-feedback",
            "Feedback on campaigns",
            "Sales tells Marketing what customers make of our campaigns and sales material.",
        ),
        (
            "feedback-acted-on",
            "Feedback on campaigns",
            "What Sales reports from the field visibly changes what Marketing does next.",
        ),
        (
            "who-does-what",
            "Role clarity",
            "Everybody knows who does what between a first contact and a signed deal.",
        ),
        (
            "other-side-work",
            "Role clarity",
            "I understand the daily work and pressures of the other team.",
        ),
        (
            "crossing-lines",
            "Role clarity",
            "When an important deal needs it, people step across team lines to help.",
        ),
        (
            "linked-pay",
            "Rewards",
            "Part of what people in both teams earn depends on the same results.",
        ),
        (
            "shared-credit",
            "Rewards",
            "When a deal is won, both teams get credit for it.",
        ),
        (
            "respect",
            "Culture",
            "People in each team respect the skills of the other.",
        ),
        (
            "one-team",
            "Culture",
            "Successes and failures belong to both teams rather than being blamed on one.",
        ),
    ]
)

QUESTIONNAIRES: dict[int, tuple[Statement, ...]] = {1: VERSION_1}
CURRENT_VERSION = max(QUESTIONNAIRES)


def statements_of(version: int = CURRENT_VERSION) -> tuple[Statement, ...]:
    return QUESTIONNAIRES[version]


def lowest_total(version: int = CURRENT_VERSION) -> int:
    return LOWEST * len(statements_of(version))


def highest_total(version: int = CURRENT_VERSION) -> int:
    return HIGHEST * len(statements_of(version))
