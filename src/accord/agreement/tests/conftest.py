import copy

import pytest

DOCUMENT = {
    "fit_rules": [
        {"name": "Software company", "field": "industry", "in": ["Software"], "points": 40},
        {"name": "Mid-market", "field": "employee_count", "min": 100, "max": 5000, "points": 20},
    ],
    "grades": [
        {"grade": "A", "min": 60},
        {"grade": "B", "min": 40, "max": 59},
        {"grade": "C", "min": 20, "max": 39},
        {"grade": "D", "max": 19},
    ],
    "buying_power": {"seniorities": ["vp", "executive"], "required": "none"},
    "engagement": {
        "half_life_days": 30,
        "kinds": {"form_fill": {"points": 20, "cap": 40}, "page_view": {"points": 2}},
    },
    "disqualifiers": {"free_mail_domains": ["gmail.com"], "existing_customers": True},
    "threshold": {"min_total": 75, "min_grade": "B"},
    "sla": {"mqls_per_month": 50, "first_touch_working_hours": 4, "accept_within_working_days": 2},
}


def document_data(**changes) -> dict:
    """The test agreement, with top-level parts replaced or (for dicts) updated."""
    data = copy.deepcopy(DOCUMENT)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


@pytest.fixture
def signed_in_force(marketing_head, sales_head, marketer):
    """Version 1, signed by both heads: the agreement in force."""
    from accord.agreement.services import do_create_draft, do_sign

    version = do_create_draft(marketer, document_data())
    do_sign(version, marketing_head)
    return do_sign(version, sales_head)
