import json

import pytest

from accord.teams.models import ApiToken
from accord.teams.tokens import do_create_token


class CaptureClient:
    """The capture API as a website form calls it, with a capture key."""

    def __init__(self, client, secret):
        self.client, self.secret = client, secret

    def post(self, path, body, key=None, secret=None, wait=None):
        """The answer at once, or with `wait` (seconds) once the capture is routed."""
        headers = {"Authorization": f"Bearer {secret or self.secret}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        data = body if isinstance(body, str) else json.dumps(body)
        query = f"?wait={wait}" if wait is not None else ""
        return self.client.post(
            f"/api/v1{path}{query}", data, content_type="application/json", headers=headers
        )

    def routed(self, path, body, key=None, secret=None):
        """The answer once the capture is scored and routed, as a caller needing the handoff
        asks for it (`?wait`)."""
        return self.post(path, body, key=key, secret=secret, wait=10)

    def status(self, capture_id, secret=None):
        headers = {"Authorization": f"Bearer {secret or self.secret}"}
        return self.client.get(f"/api/v1/captures/{capture_id}", headers=headers)


@pytest.fixture
def run_worker():
    """What `accord worker` does when captures arrive: score and route every one waiting."""
    from accord.capture.batches import do_process_all_waiting

    return do_process_all_waiting


@pytest.fixture
def capture_key(marketer):
    return do_create_token(marketer, "website", ApiToken.Scope.CAPTURE)[1]


@pytest.fixture
def capture(client, capture_key):
    return CaptureClient(client, capture_key)


# One form fill from a Software company of a few hundred people makes an MQL under this.
QUICK_MQL = {
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
    "buying_power": {"required": "none"},
    "engagement": {"half_life_days": 30, "kinds": {"form_fill": {"points": 20, "cap": 40}}},
    "threshold": {"min_total": 75, "min_grade": "B"},
    "sla": {"mqls_per_month": 50, "first_touch_working_hours": 4, "accept_within_working_days": 2},
}


@pytest.fixture
def quick_mql_agreement(marketing_head, sales_head, marketer):
    from accord.agreement.services import do_create_draft, do_sign

    version = do_create_draft(marketer, QUICK_MQL)
    do_sign(version, marketing_head)
    return do_sign(version, sales_head)
