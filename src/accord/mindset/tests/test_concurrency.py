"""Two heads starting a shared-mindset round at the very same moment."""

import pytest
from django.db import connection
from tests.concurrency import run_at_once

from accord.mindset.models import Round
from accord.mindset.services import do_start_round

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises all writers, so these cannot race there",
    ),
]


def test_two_heads_starting_a_round_at_once_both_get_the_one_round_opened(
    marketing_head, sales_head
):
    do_start_round(sales_head, "Winter")

    started = run_at_once(
        [lambda: do_start_round(marketing_head, "A"), lambda: do_start_round(sales_head, "B")]
    )

    assert started[0] == started[1] == Round.objects.get(is_open=True)
    assert Round.objects.count() == 2
