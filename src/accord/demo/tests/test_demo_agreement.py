"""The lead definition the demo's heads signed scores the demo's own industries and regions."""

import pytest
from django.core.management import call_command

from accord.agreement.models import LeadScore
from accord.agreement.selectors import get_agreement_in_force
from accord.crm.models import Account
from accord.demo.vocabulary import INDUSTRIES, REGIONS

pytestmark = pytest.mark.django_db


def rules_of(account: Account) -> set[str]:
    score = LeadScore.objects.filter(person__account=account).select_related("version").first()
    return {part.rule for part in score.explanation}


def test_the_signed_definition_names_industries_and_regions_the_demo_accounts_have():
    call_command("demo", "--no-serve", "--size", "tiny")
    fit = {rule.name: rule.any_of for rule in get_agreement_in_force().document.fit_rules}
    assert fit["Target industry"] == ["Software", "Financial Services", "Manufacturing"]
    assert fit["Core region"] == ["EMEA", "North America East", "North America West"]
    assert set(fit["Target industry"]) <= set(INDUSTRIES)
    assert set(fit["Core region"]) <= set(REGIONS)

    bank = Account.objects.filter(industry="Financial Services", people__isnull=False).first()
    assert "Target industry" in rules_of(bank)
    east = Account.objects.filter(region="North America East", people__isnull=False).first()
    assert "Core region" in rules_of(east)
