from tests.factories import AccountFactory

from accord.crm.models import Account


def _ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_a_rep_sees_their_accounts_and_the_pool(api_as, rep, other_rep):
    mine, pool = AccountFactory(owner=rep), AccountFactory(owner=None)
    theirs = AccountFactory(owner=other_rep)
    api = api_as(rep)

    assert _ids(api.get("/accounts")) == {mine.pk, pool.pk}
    assert api.get(f"/accounts/{theirs.pk}").status_code == 404
    assert api.patch(f"/accounts/{theirs.pk}", {"region": "APAC"}).status_code == 404


def test_a_marketer_updates_firmographics_but_not_the_owner(api_as, marketer, rep):
    account = AccountFactory(owner=rep, industry="Software")
    api = api_as(marketer)

    changed = api.patch(f"/accounts/{account.pk}", {"industry": "Fintech", "employee_count": 900})
    refused = api.patch(f"/accounts/{account.pk}", {"owner_id": None})

    assert changed.status_code == 200
    assert (changed.json()["industry"], changed.json()["employee_count"]) == ("Fintech", 900)
    assert refused.status_code == 403
    assert refused.json()["detail"][0]["loc"][-1] == "owner_id"
    assert Account.objects.get(pk=account.pk).owner == rep


def test_a_domain_is_unique_whatever_its_case(api_as, rep):
    AccountFactory(domain="acme.example")

    response = api_as(rep).post("/accounts", {"name": "Acme again", "domain": "ACME.example"})

    assert response.status_code == 409
    assert response.json()["detail"][0]["loc"][-1] == "domain"
    assert Account.objects.count() == 1


def test_a_rep_creates_an_account_they_own(api_as, rep):
    response = api_as(rep).post("/accounts", {"name": "Globex", "domain": "Globex.Example"})

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["domain"], body["owner_id"]) == ("Globex", "globex.example", rep.pk)


def test_accounts_are_filtered_by_name_and_owner(api_as, sales_head, rep, other_rep):
    acme = AccountFactory(name="Acme Corp", owner=rep)
    AccountFactory(name="Globex", owner=other_rep)
    pooled_acme = AccountFactory(name="ACME Labs", owner=None)
    api = api_as(sales_head)

    assert _ids(api.get("/accounts", name="acme")) == {acme.pk, pooled_acme.pk}
    assert _ids(api.get("/accounts", name="acme", unassigned="false")) == {acme.pk}


def test_listing_accounts_takes_a_fixed_number_of_queries(
    api_as, rep, django_assert_max_num_queries
):
    AccountFactory.create_batch(30, owner=rep)
    api = api_as(rep)
    api.get("/accounts")

    with django_assert_max_num_queries(3):
        assert api.get("/accounts").json()["count"] == 30
