"""Grouping answers by meaning without a model: lexicon, misspellings, fallback, corpus."""

from accord.mindset.evaluation import pairwise_scores, read_paraphrases
from accord.mindset.grouping import group_lexically, match_concept

# Floors a little under what the lexical grouping measures on the committed corpus
# (bench/README.md, "Shared mindset", gives the figures and the command that reproduces them).
FLOORS = {
    "tuning": (0.97, 0.97),
    "held-out": (0.80, 0.30),
    None: (0.95, 0.80),
}


def test_cheapest_low_price_and_best_value_for_money_are_one_advantage():
    grouping = group_lexically(["cheapest", "low price", "best value for money", "Quality"])

    assert len(set(grouping.keys[:3])) == 1
    assert grouping.keys[3] != grouping.keys[0]
    assert grouping.labels[grouping.keys[0]] == "Price and value"


def test_a_misspelt_word_still_finds_its_advantage():
    assert match_concept("qualty").key == "quality"
    assert match_concept("cheep prices").key == "price"


def test_the_head_of_a_phrase_decides_between_two_advantages():
    assert match_concept("fast, friendly service").key == "service"
    assert match_concept("years of experience").key == "expertise"
    assert match_concept("great user experience").key == "ease"


def test_answers_outside_the_lexicon_are_grouped_by_their_words():
    answers = ["Family-owned", "Family owned business", "A family business", "Made in Germany"]
    grouping = group_lexically(answers)

    assert grouping.keys[0] == grouping.keys[1] == grouping.keys[2] != grouping.keys[3]
    assert grouping.labels[grouping.keys[3]] == "Made in Germany"


def test_the_paraphrase_corpus_is_grouped_above_the_measured_floors():
    for part, (precision_floor, recall_floor) in FLOORS.items():
        answers, truth = read_paraphrases(part)
        scores = pairwise_scores(truth, group_lexically(answers).keys)

        assert scores.precision >= precision_floor, (part, scores)
        assert scores.recall >= recall_floor, (part, scores)


def test_the_corpus_has_at_least_150_answers_in_many_groups():
    answers, truth = read_paraphrases()

    assert len(answers) >= 150
    assert len(set(truth)) >= 15


def test_pairwise_scores_on_a_hand_computed_example():
    # truth: a a b b; predicted: x x x y -> pairs together: predicted 3, truth 2, both 1
    scores = pairwise_scores(["a", "a", "b", "b"], ["x", "x", "x", "y"])

    assert (scores.precision, scores.recall) == (1 / 3, 1 / 2)
