import pytest

from accord.mindset.services import do_start_round
from accord.teams.models import User


@pytest.fixture
def open_round(sales_head):
    return do_start_round(sales_head, "Spring check")


@pytest.fixture
def colleagues(sales_team, marketing_team):
    """`colleagues("sales", 3)`: that many more members of the team."""
    teams = {
        "sales": (sales_team, User.Role.REP),
        "marketing": (marketing_team, User.Role.MARKETER),
    }
    made = []

    def make(team: str, count: int) -> list[User]:
        group, role = teams[team]
        people = [
            User.objects.create_user(
                f"{team}{len(made) + n}@example.com", team=group, role=role, password="x"
            )
            for n in range(count)
        ]
        made.extend(people)
        return people

    return make


def three(first, second, third) -> dict:
    return {"first": first, "second": second, "third": third}
