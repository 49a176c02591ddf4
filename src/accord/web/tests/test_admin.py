"""The Django admin covers every model of Accord's apps, and each list opens for the admin."""

import pytest
from django.contrib import admin
from django.urls import reverse
from tests.factories import OpportunityFactory, PersonFactory, TouchpointFactory

from accord.crm.models import LifecycleStage
from accord.crm.services import do_change_lifecycle_stage
from accord.teams.models import Holiday
from accord.web.admin_coverage import accord_models, models_in_inlines, plain_admin

REGISTERED = [model for model in accord_models() if admin.site.is_registered(model)]


@pytest.fixture
def some_rows(admin_user):
    person = PersonFactory(owner=admin_user)
    do_change_lifecycle_stage(person, LifecycleStage.MQL, by=admin_user, reason="scored")
    OpportunityFactory(account=person.account, primary_contact=person)
    TouchpointFactory(person=person)


def test_every_accord_model_is_in_the_admin_as_a_list_or_an_inline():
    inlined = models_in_inlines(admin.site)
    missing = [
        model._meta.label
        for model in accord_models()
        if not admin.site.is_registered(model) and model not in inlined
    ]

    assert missing == []
    assert Holiday in inlined


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_each_admin_list_opens_for_the_admin(client, admin_user, some_rows, model):
    client.force_login(admin_user)
    opts = model._meta

    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    assert response.status_code == 200


def test_a_team_is_edited_with_its_holidays_inline(client, admin_user, sales_team):
    client.force_login(admin_user)

    response = client.get(reverse("admin:teams_team_change", args=[sales_team.pk]))

    assert response.status_code == 200
    assert "holidays" in response.context["inline_admin_formsets"][0].formset.prefix


def test_a_model_without_its_own_admin_gets_a_read_only_list_of_its_columns(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user

    model_admin = plain_admin(Holiday)(Holiday, admin.site)

    assert model_admin.get_list_display(request) == ["team", "date", "name"]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
