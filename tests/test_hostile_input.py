"""A hostile-input corpus for every write of the API and every form a page posts.

Generated, so a new endpoint or form is covered without being listed here: the API's cases from
its OpenAPI schema (every operation that writes, every property of its body, every id in its
path), the pages' cases from the URL conf and the `<form method="post">` each page renders.
Every case must answer 4xx, name the field it spoiled, and write nothing. (Broken files and
huge or deeply nested bodies are in test_malformed_input.py; generated valid requests in
test_api_contract.py.)
"""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import Resolver404, resolve

from accord.api import api
from accord.teams.models import ApiToken
from accord.teams.tokens import do_create_token
from tests.test_every_page import PAGES, _routes

TOO_BIG_ID = "1" * 25
ID_ROUTES = sorted(
    re.sub(r"<(\w+:)?\w+>", lambda m: TOO_BIG_ID if "int:" in m[0] else "accept", route)
    for route in _routes(with_ids=True)
    if "<int:" in route
)

SCHEMA = api.get_openapi_schema()
WRITES = ("post", "put", "patch", "delete")


def _resolved(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _kinds(prop: dict) -> set[str]:
    prop = _resolved(prop)
    if "anyOf" in prop:
        return set().union(*(_kinds(option) for option in prop["anyOf"]))
    if "enum" in prop:
        return {"enum"}
    return {prop.get("type", "object")} | ({prop["format"]} if "format" in prop else set())


def _spoilt_values(prop: dict) -> dict[str, object]:
    """What a hostile client sends instead of a good value of `prop`, by what it tries."""
    kinds, prop = _kinds(prop), _resolved(prop)
    values = {"wrong type": 12 if kinds & {"object", "array"} else {"a": []}}
    if kinds & {"string", "enum"}:
        values["NUL"] = "a\x00b"
    if "integer" in kinds:
        values["huge number"] = 10**25
    if prop.get("minLength", 0) >= 1:
        values["blank"] = "   "
    if "maxLength" in prop:
        values["over-long"] = "x" * (prop["maxLength"] + 1)
    if kinds & {"date-time", "date"}:
        values["bad time"] = 0
    return values


def _spoilt_bodies(schema: dict):
    """(attack, body, field) for each way to spoil one property of `schema`; the items of a
    list of objects are spoilt inside a one-item list."""
    yield "unknown field", {"an_unknown_field": 1}, "an_unknown_field"
    for name, prop in _resolved(schema).get("properties", {}).items():
        for attack, value in _spoilt_values(prop).items():
            yield f"{name} {attack}", {name: value}, name
        items = _resolved(_resolved(prop).get("items", {}))
        if "properties" in items:
            for attack, item, field in _spoilt_bodies(items):
                yield f"{name}[0] {attack}", {name: [item]}, field


def _api_cases():
    for path, operations in SCHEMA["paths"].items():
        for method, operation in operations.items():
            if method not in WRITES:
                continue
            where = f"{method.upper()} {path}"
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                for attack, body, field in _spoilt_bodies(content["application/json"]["schema"]):
                    yield pytest.param(method, operation, path, body, field, id=f"{where} {attack}")
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and "integer" in _kinds(parameter["schema"]):
                    name = parameter["name"]
                    yield pytest.param(
                        method, operation, path, None, name, id=f"{where} 25-digit {name}"
                    )


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def tokens(admin_user):
    return {
        "BearerToken": do_create_token(admin_user)[1],
        "CaptureKey": do_create_token(admin_user, "website", ApiToken.Scope.CAPTURE)[1],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("method, operation, path, body, field", list(_api_cases()))
def test_every_api_write_refuses_hostile_input_and_writes_nothing(
    client, tokens, method, operation, path, body, field
):
    scheme = next(iter(operation["security"][0]))
    url = path
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            url = url.replace("{" + parameter["name"] + "}", TOO_BIG_ID if body is None else "1")
    before = row_counts()

    response = getattr(client, method)(
        url,
        body or {},
        content_type="application/json",
        headers={"Authorization": f"Bearer {tokens[scheme]}"},
    )

    assert 400 <= response.status_code < 500, response.content
    assert row_counts() == before
    if body is not None:
        named = [error["loc"] for error in response.json()["detail"] if error["loc"][-1] == field]
        assert named, f"no error names {field}: {response.json()}"


# --- the pages' forms -------------------------------------------------------------------------


class _Forms(HTMLParser):
    """The `<form method="post">`s of a page: their address and fields as rendered."""

    def __init__(self, page: str):
        super().__init__()
        self.page, self.forms, self._form, self._select, self._textarea = page, [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = {"action": a.get("action") or self.page, "fields": {}}
            self.forms.append(self._form)
        elif self._form is None or "name" not in a and tag != "option":
            return
        elif tag == "input" and a.get("type") not in {"submit", "button"}:
            if a.get("type") not in {"checkbox", "radio"} or "checked" in a:
                self._form["fields"][a["name"]] = dict(a, value=a.get("value") or "")
        elif tag == "textarea":
            self._textarea = self._form["fields"][a["name"]] = dict(a, type="textarea", value="")
        elif tag == "select":
            self._select = self._form["fields"][a["name"]] = dict(a, type="select", value=None)
        elif tag == "option" and self._select is not None:
            self._select.setdefault("options", []).append(a.get("value", ""))
            if self._select["value"] is None or "selected" in a:
                self._select["value"] = a.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _links(html: str) -> set[str]:
    """The app's own pages a page links to (one level), for the forms on record pages."""
    found = set()
    for href in re.findall(r'href="(/[^"#?]*)', html):
        try:
            match = resolve(href)
        except Resolver404:
            continue
        if match.kwargs and not href.startswith(("/admin/", "/api/")):
            found.add(href)
    return found


def posting_forms(client, users) -> list[tuple]:
    """(user, form) for every form a user meets on the pages and the record pages they link."""
    found, seen = [], set()
    for user in users:
        client.force_login(user)
        pages = [p for p in PAGES if p not in {"/logout/", "/login/", "/healthz"}]
        linked = set()
        for page in pages:
            linked |= _links(_forms_of(client, page, user, found, seen))
        for page in sorted(linked - set(pages)):
            _forms_of(client, page, user, found, seen)
    client.logout()
    return found


def _forms_of(client, page, user, found, seen) -> str:
    response = client.get(page)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return ""
    html = response.content.decode()
    parser = _Forms(page)
    parser.feed(html)
    for form in parser.forms:
        key = (user.pk, form["action"], tuple(sorted(form["fields"])))
        if form["action"] != "/logout/" and key not in seen:
            seen.add(key)
            found.append((user, form))
    return html


def _values(form) -> dict[str, str]:
    return {name: field["value"] or "" for name, field in form["fields"].items()}


def _spoilt_forms(form):
    """(attack, field, values) for each way to spoil one field of a rendered form."""
    for name, field in form["fields"].items():
        if name == "csrfmiddlewaretoken":
            continue
        kind = field.get("type", "text")
        spoilt = {"NUL": "a\x00b"}
        if "maxlength" in field:
            spoilt["over-long"] = "x" * (int(field["maxlength"]) + 1)
        if "required" in field:
            spoilt["blank"] = "   "
        if kind == "number":
            spoilt["wrong type"] = "twelve"
            spoilt["huge number"] = "9" * 25
        if kind in {"date", "datetime-local", "time"}:
            spoilt["bad time"] = "0"
        if kind == "select" and any(option.isdigit() for option in field.get("options", [])):
            spoilt["25-digit id"] = TOO_BIG_ID
        for attack, value in spoilt.items():
            yield attack, name, {**_values(form), name: value}


@pytest.fixture
def a_working_company(agreement_in_force, sales_head, marketing_head, rep, admin_user):
    """Enough of a company that every page shows its forms: a campaign in planning, open
    rounds, a meeting and a lead in a rep's inbox."""
    from accord.alignment.services import do_open_round
    from accord.goals.meetings import do_record_meeting
    from accord.handoff.models import RoutingMember, RoutingRule
    from accord.handoff.routing import do_route
    from accord.handoff.selectors import terms_in_force
    from accord.mindset.services import do_start_round
    from tests.factories import CampaignFactory, PersonFactory

    CampaignFactory(status="planned")
    do_open_round(sales_head)
    do_start_round(sales_head)
    do_record_meeting(sales_head, held_on=dt.date.today(), title="Weekly pipeline")
    rule = RoutingRule.objects.create(position=10, team=rep.team)
    RoutingMember.objects.create(rule=rule, user=rep)
    do_route(PersonFactory(lifecycle_stage="mql"), terms_in_force())
    return [rep, sales_head, marketing_head, admin_user]


def test_every_form_refuses_hostile_values_and_writes_nothing(client, a_working_company):
    forms = posting_forms(client, a_working_company)
    assert len(forms) >= 20, [form["action"] for _, form in forms]
    wrong = []
    for user, form in forms:
        client.force_login(user)
        for attack, field, values in _spoilt_forms(form):
            before = row_counts()
            status = client.post(form["action"], values).status_code
            if not 400 <= status < 500 or row_counts() != before:
                wrong.append((user.email, form["action"], field, attack, status))

    assert wrong == []


def test_every_form_posted_twice_is_carried_out_once(client, a_working_company):
    wrong = []
    for user, form in posting_forms(client, a_working_company):
        client.force_login(user)
        client.post(form["action"], _values(form))
        after_first = row_counts()
        second = client.post(form["action"], _values(form))
        if second.status_code >= 500 or row_counts() != after_first:
            wrong.append((user.email, form["action"], second.status_code))

    assert wrong == []


def test_every_page_with_an_id_in_its_address_refuses_a_25_digit_id(client, admin_user):
    client.force_login(admin_user)
    wrong = []
    for route in ID_ROUTES:
        for method in ("get", "post"):
            before = row_counts()
            status = getattr(client, method)(route).status_code
            if not 400 <= status < 500 or row_counts() != before:
                wrong.append((method, route, status))

    assert wrong == []


def test_a_blank_comment_on_the_agreement_page_answers_422_and_adds_nothing(
    client, marketer, agreement_in_force
):
    client.force_login(marketer)

    response = client.post(f"/agreement/{agreement_in_force.number}/comment/", {"body": "  "})

    assert response.status_code == 422
    assert "A comment needs some text" in response.content.decode()
    assert agreement_in_force.comments.count() == 0
