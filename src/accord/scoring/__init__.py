"""The scoring engine: columns in, columns out, no Django inside (so it can run on any engine)."""

from accord.scoring.document import AgreementDocument, DocumentError, check_document
from accord.scoring.engine import (
    Contribution,
    contribution_codes,
    contributions_from_codes,
    engagement_points,
    explain,
    score_components,
    score_people,
)

__all__ = [
    "AgreementDocument",
    "Contribution",
    "DocumentError",
    "check_document",
    "explain",
    "contribution_codes",
    "contributions_from_codes",
    "engagement_points",
    "score_components",
    "score_people",
]
