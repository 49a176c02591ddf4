"""Shared-mindset grouping on the committed paraphrase corpus: pairwise precision and recall.

    python bench/mindset_bench.py                 # the lexical grouping (and semantic if installed)
    python bench/mindset_bench.py --method lexical

The corpus (src/accord/mindset/tests/paraphrases.csv) holds answers labelled by hand with the
advantage they name; its "tuning" part is what the lexicon was refined on, its "held-out" part was
written afterwards and never tuned on. Each method groups every part on its own; the figures are
pairwise: of the pairs a method put together, the share that belong together (precision); of the
pairs that belong together, the share it put together (recall). Also prints the time taken.
"""

import argparse
import os
import time

from accord.mindset import semantic
from accord.mindset.evaluation import pairwise_scores, read_paraphrases
from accord.mindset.grouping import group_lexically

PARTS = [("tuning", "tuning"), ("held-out", "held-out"), ("whole corpus", None)]


def _methods(chosen: str):
    if chosen in ("all", "lexical"):
        yield "lexical", group_lexically
    if chosen in ("all", "semantic"):
        if semantic.semantic_available():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            semantic.embed(["warm up"])  # load the model before timing
            yield "semantic", semantic.group_semantically
        else:
            print(f"semantic: skipped. {semantic.MISSING}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=["all", "lexical", "semantic"], default="all")
    args = parser.parse_args()
    print("| method | part | answers | groups | precision | recall | time |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, group in _methods(args.method):
        for label, part in PARTS:
            answers, truth = read_paraphrases(part)
            started = time.perf_counter()
            keys = group(answers).keys
            seconds = time.perf_counter() - started
            s = pairwise_scores(truth, keys)
            print(
                f"| {name} | {label} | {s.answers} | {s.groups} | {s.precision:.3f} "
                f"| {s.recall:.3f} | {seconds:.2f} s |"
            )


if __name__ == "__main__":
    main()
