"""Teams of colleagues who answer the assessment, and answers with a chosen total."""

import itertools

import pytest

from accord.alignment.services import do_open_round
from accord.alignment.statements import statements_of
from accord.teams.models import User

_numbers = itertools.count(1)


def answers(total: int) -> dict[str, int]:
    """Ratings of every statement adding up to `total` (20 to 100), as even as they can be."""
    statements = statements_of()
    base, extra = divmod(total, len(statements))
    return {s.key: base + (1 if i < extra else 0) for i, s in enumerate(statements)}


def uniform(score: int, **overrides: int) -> dict[str, int]:
    """The same rating for every statement, except the keys given."""
    return {s.key: score for s in statements_of()} | overrides


@pytest.fixture
def colleagues(sales_team, marketing_team):
    """`colleagues("sales", 3)`: that many more members of a team."""
    teams = {"sales": (sales_team, User.Role.REP), "marketing": (marketing_team, "marketer")}

    def make(team: str, count: int) -> list[User]:
        group, role = teams[team]
        return [
            User.objects.create_user(f"{team}{next(_numbers)}@example.com", team=group, role=role)
            for _ in range(count)
        ]

    return make


@pytest.fixture
def open_round(sales_head):
    return do_open_round(sales_head)
