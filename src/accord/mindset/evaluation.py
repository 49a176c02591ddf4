"""How well a grouping agrees with a hand-labelled corpus: pairwise precision and recall.

Every pair of answers is either put in one group or not, by the method and by hand. Precision is
the share of the pairs the method put together that belong together; recall the share of the
pairs that belong together that the method put together.
"""

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

PARAPHRASES = Path(__file__).parent / "tests" / "paraphrases.csv"


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    answers: int
    groups: int


def read_paraphrases(part: str | None = None) -> tuple[list[str], list[str]]:
    """(answers, their true groups) of the committed corpus, or of one part of it: "tuning"
    (the answers the lexicon was refined on) or "held-out" (written afterwards, never tuned on).
    """
    with PARAPHRASES.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if part is None or r["part"] == part]
    return [r["answer"] for r in rows], [r["group"] for r in rows]


def _pairs_within(keys) -> int:
    return sum(n * (n - 1) // 2 for n in Counter(keys).values())


def pairwise_scores(truth: list[str], predicted: list[str]) -> Scores:
    together_both = _pairs_within(zip(truth, predicted, strict=True))
    together_predicted = _pairs_within(predicted)
    together_truth = _pairs_within(truth)
    return Scores(
        precision=together_both / together_predicted if together_predicted else 1.0,
        recall=together_both / together_truth if together_truth else 1.0,
        answers=len(truth),
        groups=len(set(truth)),
    )
