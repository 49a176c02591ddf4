"""The lead-definition editor: a document as form rows, posted back as the same document; the
document's own messages beside the row they are about; the live panel's counts."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.utils import timezone
from tests.factories import AccountFactory, PersonFactory, TouchpointFactory

from accord.agreement.defaults import default_document
from accord.agreement.editor import FormData, document_data, form_data, place_problem
from accord.agreement.models import AgreementVersion
from accord.agreement.services import do_create_draft
from accord.scoring import check_document
from accord.touchpoints.models import Touchpoint

from .conftest import document_data as agreement_data

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """What a browser posts for the form with id `form_id`: inputs, selected options, checked
    boxes and text areas, as name → list of values."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.in_template = form_id, False, 0
        self.fields: dict[str, list[str]] = {}
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if tag == "template":
            self.in_template += 1
        if not self.inside or self.in_template:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") != "checkbox":
            self.fields.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "input" and name and "checked" in attrs:
            self.fields.setdefault(name, []).append(attrs.get("value") or "on")
        elif tag == "select":
            self.select = name
            self.fields.setdefault(name, [])
            self.first_option = True
        elif tag == "option" and self.select and "selected" in attrs:
            self.option_selected, self.option_value = True, attrs.get("value")
        elif tag == "option" and self.select:
            self.option_selected, self.option_value = False, attrs.get("value")
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = [""]

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea][0] += data
        elif self.select and getattr(self, "option_value", 0) is None:
            self.option_value = data
        if self.select and getattr(self, "option_selected", False) and self.option_value:
            self.fields[self.select].append(self.option_value)
            self.option_selected = False

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template -= 1
        elif tag == "textarea":
            self.textarea = None
        elif tag == "option" and self.select and getattr(self, "option_selected", False):
            self.fields[self.select].append(self.option_value or "")
            self.option_selected = False
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def _posted_by_browser(html: str) -> dict[str, list[str]]:
    parser = FormFields("editor")
    parser.feed(html)
    # a single select with nothing marked selected posts its first option; ours always mark one
    return {k: v for k, v in parser.fields.items() if k != "csrfmiddlewaretoken"}


@pytest.mark.parametrize(
    "document",
    [
        default_document(),
        check_document(agreement_data()),
        check_document(
            agreement_data(
                fit_rules=[
                    {"name": "Heads", "field": "title", "pattern": r"\bhead\b", "points": 5},
                    {
                        "name": "Not a DM",
                        "field": "is_decision_maker",
                        "equals": False,
                        "points": -5,
                    },
                    {"name": "Small", "field": "employee_count", "max": 50, "points": -10},
                ],
                buying_power={"title_pattern": "(?i)chief", "use_decision_maker_flag": False},
                engagement={
                    "half_life_days": 12.5,
                    "window_days": 90,
                    "kinds": {},
                    "channels": {"email": 0},
                },
                disqualifiers={
                    "competitor_domains": ["rival.example"],
                    "existing_customers": False,
                },
                sla={
                    "first_touch_working_hours": 1.5,
                    "segments": [
                        {
                            "name": "EMEA software",
                            "region": "EMEA",
                            "industry": "Software",
                            "mqls_per_month": 20,
                        }
                    ],
                    "recycle": {"to_stage": "subscriber", "after_days": 30},
                },
            )
        ),
    ],
    ids=["default", "test agreement", "every kind of row"],
)
def test_a_document_shown_in_the_editor_and_posted_back_is_the_same_document(
    client, marketer, document
):
    in_force = do_create_draft(marketer, document)
    client.force_login(marketer)
    edit_page = client.get(f"/agreement/{in_force.number}/edit/").content.decode()

    posted = _posted_by_browser(edit_page)

    assert check_document(document_data(FormData(posted))) == document


def test_the_editor_offers_the_values_the_data_holds(client, marketer, signed_in_force):
    AccountFactory(industry="Biotech", region="LATAM")
    PersonFactory(title="Chief Growth Officer")
    client.force_login(marketer)

    values = client.get("/agreement/propose/").context["values"]

    assert "Biotech" in values["industry"]
    assert "LATAM" in values["region"]
    assert "Chief Growth Officer" in values["title"]
    assert values["seniority"] == ["entry", "manager", "director", "vp", "executive"]


def test_a_proposal_through_the_editor_becomes_a_draft(client, marketer, signed_in_force):
    fields = form_data(signed_in_force.document)
    fields["threshold-min_total"] = ["90"]
    fields |= {
        "fit-2-name": ["Core region"],
        "fit-2-field": ["region"],
        "fit-2-operator": ["in"],
        "fit-2-values": ["EMEA", "North America"],
        "fit-2-points": ["10"],
    }
    client.force_login(marketer)

    response = client.post("/agreement/propose/", fields, follow=True)

    assert response.redirect_chain[-1][0] == "/agreement/2/"
    draft = AgreementVersion.objects.get(number=2)
    assert draft.document.threshold.min_total == 90
    assert [rule.name for rule in draft.document.fit_rules][-1] == "Core region"
    assert draft.document.fit_rules[-1].any_of == ["EMEA", "North America"]


def test_a_problem_is_shown_beside_its_row_and_nothing_typed_is_lost(
    client, marketer, signed_in_force
):
    fields = form_data(signed_in_force.document)
    fields["fit-1-points"] = ["5000"]
    fields["fit-0-values"] = []
    fields["fit-0-name"] = ["My own name"]
    client.force_login(marketer)

    response = client.post("/agreement/propose/", fields)

    assert response.status_code == 422
    assert AgreementVersion.objects.count() == 1
    summary = {(p.target, p.label) for p in response.context["problems"]}
    assert ("fit-1-points", "Fit rule 2, points") in summary
    assert ("fit-0-values", "Fit rule 1, values") in summary
    html = response.content.decode()
    assert 'href="#fit-1-points"' in html
    assert 'id="fit-1-points-error"' in html
    assert "Input should be less than or equal to 1000" in html
    assert 'value="My own name"' in html
    assert 'value="5000"' in html


@pytest.mark.parametrize(
    ("problem", "target", "label"),
    [
        (
            "fit_rules.3: Value error, a rule on employee_count needs exactly one of: min/max",
            "fit-3",
            "Fit rule 4",
        ),
        ("fit_rules.0.in: List should have at least 1 item", "fit-0-values", "Fit rule 1, values"),
        ("grades: grade bands B and C overlap", "grade", "Grade bands"),
        ("grades.1.min: Input should be a valid integer", "grade-1-min", "Grade band 2, min"),
        (
            "engagement.kinds.page_view.cap: Input should be greater than or equal to 0",
            "kind-page_view-cap",
            "Engagement, page view, cap",
        ),
        (
            "engagement.channels.email: Input should be a valid integer",
            "channel-email-points",
            "Engagement, email channel",
        ),
        (
            "engagement.half_life_days: Input should be greater than 0",
            "decay-half_life_days",
            "Decay, half life days",
        ),
        (
            "disqualifiers.free_mail_domains: 'a b' is not a domain such as gmail.com",
            "disq-free_mail_domains",
            "Disqualifiers, free mail domains",
        ),
        (
            "sla.segments.0.name: String should have at least 1 character",
            "segment-0-name",
            "Segment 1, name",
        ),
        (
            "sla.recycle.after_days: Input should be greater than or equal to 0",
            "sla-recycle_after_days",
            "Service levels, recycle after days",
        ),
        (
            "threshold.min_total: Input should be a valid integer",
            "threshold-min_total",
            "Threshold, min total",
        ),
    ],
)
def test_each_message_of_the_document_lands_on_its_field(problem, target, label):
    placed = place_problem(problem)

    assert (placed.target, placed.label) == (target, label)
    assert placed.message == problem.partition(": ")[2]


def _lead(fills: int) -> None:
    person = PersonFactory(account=AccountFactory(industry="Software", employee_count=500))
    for _ in range(fills):
        TouchpointFactory(
            person=person,
            kind=Touchpoint.Kind.FORM_FILL,
            occurred_at=timezone.now() - dt.timedelta(hours=1),
        )


def test_the_live_panel_counts_mqls_under_the_draft_and_the_version_in_force(
    client, marketer, signed_in_force
):
    # 60 fit points each (Software, 500 people); a form fill adds 20, at most 40
    _lead(fills=2)  # 100 points
    _lead(fills=1)  # 80 points
    _lead(fills=0)  # 60 points
    client.force_login(marketer)
    stricter = form_data(signed_in_force.document)
    stricter["threshold-min_total"] = ["90"]
    looser = form_data(signed_in_force.document)
    looser["threshold-min_total"] = ["50"]

    strict = client.post("/agreement/editor/preview/", stricter)
    loose = client.post("/agreement/editor/preview/", looser)

    assert (strict.context["now"].draft, strict.context["now"].in_force) == (1, 2)
    assert (loose.context["now"].draft, loose.context["now"].in_force) == (3, 2)
    assert "its score is at least 90" in strict.content.decode()


def test_the_live_panel_counts_a_lead_that_arrived_since_the_last_keystroke(
    client, marketer, signed_in_force
):
    _lead(fills=2)
    client.force_login(marketer)
    draft = form_data(signed_in_force.document)
    before = client.post("/agreement/editor/preview/", draft).context["now"]

    _lead(fills=2)
    after = client.post("/agreement/editor/preview/", draft).context["now"]

    assert (before.draft, before.in_force, before.people) == (1, 1, 1)
    assert (after.draft, after.in_force, after.people) == (2, 2, 2)


def test_the_live_panel_lists_the_problems_instead_of_counts(client, marketer, signed_in_force):
    fields = form_data(signed_in_force.document)
    fields["decay-half_life_days"] = ["0"]
    client.force_login(marketer)

    response = client.post("/agreement/editor/preview/", fields)

    assert "now" not in response.context
    assert "Decay, half life days: Input should be greater than 0" in response.content.decode()


def test_the_live_backtest_replays_the_draft_beside_the_version_in_force(
    client, marketer, signed_in_force
):
    client.force_login(marketer)

    response = client.post(
        "/agreement/editor/backtest/?months=3", form_data(signed_in_force.document)
    )

    assert response.context["backtest"].in_force == signed_in_force.number
    assert len(response.context["backtest"].rows()) == 3


def test_only_the_teams_preview_a_draft(client, signed_in_force, django_user_model):
    outsider = django_user_model.objects.create_user("guest@demo.accord", password="x")
    client.force_login(outsider)

    response = client.post("/agreement/editor/preview/", form_data(signed_in_force.document))

    assert response.status_code == 403


def test_a_nul_character_typed_into_a_rule_is_refused_beside_it(client, marketer, signed_in_force):
    fields = form_data(signed_in_force.document)
    fields["fit-0-name"] = ["Soft\x00ware"]
    client.force_login(marketer)

    response = client.post("/agreement/propose/", fields)

    assert response.status_code in (400, 422)
    assert "NUL" in response.content.decode()
    assert AgreementVersion.objects.count() == 1
