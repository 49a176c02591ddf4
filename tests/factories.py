"""factory_boy factories for the shared database."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from accord.crm.models import Account, Opportunity, Person
from accord.touchpoints.models import Campaign, Channel, Touchpoint


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Company {n}")
    domain = factory.Sequence(lambda n: f"company{n}.example")
    industry = "Software"
    employee_count = 250
    region = "EMEA"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    email = factory.Sequence(lambda n: f"person{n}@company.example")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    title = "Head of Operations"
    account = factory.SubFactory(AccountFactory)


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    name = factory.Sequence(lambda n: f"Deal {n}")
    account = factory.SubFactory(AccountFactory)
    amount = Decimal("10000.00")
    created_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    channel = Channel.PAID_SEARCH
    cost = Decimal("1000.00")


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Touchpoint

    person = factory.SubFactory(PersonFactory)
    campaign = factory.SubFactory(CampaignFactory)
    channel = Channel.PAID_SEARCH
    kind = Touchpoint.Kind.AD_CLICK
    occurred_at = factory.LazyFunction(timezone.now)
