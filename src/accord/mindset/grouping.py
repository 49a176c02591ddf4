"""Grouping free-text competitive advantages by meaning, fast and without a model.

"cheapest", "low price" and "best value for money" are one advantage. Each answer is normalised
(case, accents, punctuation, British and American spellings, plurals and comparatives), then
matched against a small lexicon of the advantages companies most often name. Where several
concepts match, the longest phrase wins, and on a tie the last one (English puts the head of a
phrase last: "fast, friendly service" is about service). A misspelt word still matches a lexicon
word that it nearly equals. Answers that match no concept are clustered among themselves by the
character n-grams they share, so "Made in Germany" and "made in germany!" stay together.

No Django here: the module takes strings and answers group keys.
"""

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import cast

import numpy as np

from accord.mindset.lexicon import CONCEPTS, Concept

FUZZY_MIN_LENGTH = 5
FUZZY_RATIO = 0.8
NGRAM_SIMILARITY = 0.5
OTHER_PREFIX = "other:"

STOPWORDS = frozenset(
    """a an the our we us you your it its is are be being to of for in at by with and or as
    very really truly most more best better great good excellent outstanding superior top
    unmatched unbeatable unrivalled unrivaled industry leading class world always company
    customers customer's clients client's their they them than that which who what""".split()
)
SPELLINGS = {"catalogue": "catalog", "colour": "color", "centre": "center", "programme": "program"}


@dataclass(frozen=True)
class Grouping:
    """One group key per answer, in the order given, and each key's name for people."""

    keys: list[str]
    labels: dict[str, str]


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ").replace("24/7", " round the clock ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def stem(word: str) -> str:
    """A light stemmer: spellings, plurals, -ing, -ed, -ly; the same for answers and lexicon."""
    word = SPELLINGS.get(word, word)
    word = re.sub(r"is(e|ed|es|ing|ation|ations|able)$", r"iz\1", word)
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and re.search(r"(ss|x|ch|sh)es$", word):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix, minimum in (("ing", 6), ("ed", 5), ("ly", 5)):
        if len(word) >= minimum and word.endswith(suffix) and not word.endswith("eed"):
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    return [stem(w) for w in normalise(text).split() if w not in STOPWORDS]


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    concept: Concept


def _phrases() -> list[_Phrase]:
    phrases = []
    for concept in CONCEPTS:
        for synonym in concept.synonyms:
            words = tuple(tokens(synonym))
            if words:
                phrases.append(_Phrase(words, concept))
    return sorted(phrases, key=lambda p: -len(p.words))


PHRASES = _phrases()
SINGLE_WORDS = sorted(p.words[0] for p in PHRASES if len(p.words) == 1)
VOCABULARY = frozenset(w for p in PHRASES for w in p.words)


def _fuzzy(word: str) -> str:
    """The lexicon word a misspelt word nearly equals, or the word itself."""
    if len(word) < FUZZY_MIN_LENGTH or word in VOCABULARY:
        return word
    near = [w for w in SINGLE_WORDS if abs(len(w) - len(word)) <= 1]
    close = difflib.get_close_matches(word, near, n=1, cutoff=FUZZY_RATIO)
    return close[0] if close else word


def match_concept(text: str) -> Concept | None:
    """The lexicon concept an answer names, or None."""
    words = [_fuzzy(w) for w in tokens(text)]
    best: tuple[int, int, Concept] | None = None  # (phrase length, position, concept)
    used = [False] * len(words)
    for phrase in PHRASES:
        size = len(phrase.words)
        for start in range(len(words) - size + 1):
            span = range(start, start + size)
            if tuple(words[start : start + size]) != phrase.words or any(used[i] for i in span):
                continue
            for i in span:
                used[i] = True
            candidate = (size, start, phrase.concept)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    return best[2] if best else None


def _ngrams(text: str, n: int = 3) -> Counter:
    padded = f" {' '.join(tokens(text)) or normalise(text)} "
    return Counter(padded[i : i + n] for i in range(len(padded) - n + 1))


def _similarities(texts: list[str]) -> np.ndarray:
    counts = [_ngrams(t) for t in texts]
    vocabulary = {g: i for i, g in enumerate(sorted(set().union(*counts)))}
    matrix = np.zeros((len(texts), max(len(vocabulary), 1)))
    for row, grams in enumerate(counts):
        for gram, count in grams.items():
            matrix[row, vocabulary[gram]] = count
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = matrix / np.where(norms == 0, 1, norms)
    return matrix @ matrix.T


def cluster(similarity: np.ndarray, threshold: float) -> list[int]:
    """Average-linkage clusters: merge the closest two while their mean similarity reaches the
    threshold (Lance-Williams update). Answers a cluster number per row, in order of first row."""
    count = len(similarity)
    s = similarity.astype(float).copy()
    np.fill_diagonal(s, -np.inf)
    sizes = np.ones(count)
    owner = list(range(count))
    while count > 1:
        a, b = np.unravel_index(np.argmax(s), s.shape)
        if s[a, b] < threshold:
            break
        merged = (sizes[a] * s[a] + sizes[b] * s[b]) / (sizes[a] + sizes[b])
        s[a], s[:, a] = merged, merged
        s[a, a] = -np.inf
        s[b], s[:, b] = -np.inf, -np.inf
        sizes[a] += sizes[b]
        owner = [int(a) if o == b else o for o in owner]
        count -= 1
    firsts: dict[int, int] = {}
    return [firsts.setdefault(o, len(firsts)) for o in owner]


def name_clusters(texts: list[str], rows: list[int], numbers: list[int]) -> tuple[dict, dict]:
    """Key each cluster by its most frequent wording: (row -> key, key -> label)."""
    members: dict[int, list[str]] = {}
    for row, number in zip(rows, numbers, strict=True):
        members.setdefault(number, []).append(texts[row])
    keys, labels = {}, {}
    for number, wordings in members.items():
        counted = Counter(normalise(w) for w in wordings)
        top = min(counted, key=lambda w: (-counted[w], w))
        key = OTHER_PREFIX + top
        labels[key] = next(w.strip() for w in wordings if normalise(w) == top)
        for row, n in zip(rows, numbers, strict=True):
            if n == number:
                keys[row] = key
    return keys, labels


def group_lexically(texts: list[str]) -> Grouping:
    keys: list[str | None] = []
    labels: dict[str, str] = {}
    for text in texts:
        concept = match_concept(text)
        keys.append(concept.key if concept else None)
        if concept:
            labels[concept.key] = concept.label
    rest = [row for row, key in enumerate(keys) if key is None]
    if rest:
        numbers = cluster(_similarities([texts[r] for r in rest]), NGRAM_SIMILARITY)
        other_keys, other_labels = name_clusters(texts, rest, numbers)
        labels.update(other_labels)
        for row, key in other_keys.items():
            keys[row] = key
    return Grouping(keys=cast(list[str], keys), labels=labels)  # every row has its key now
