"""The consensus three, who matches them, the 75% flag, and where the message differs."""

from decimal import Decimal

from accord.mindset.consensus import CampaignMessage, PersonAnswer, compare
from accord.mindset.grouping import group_lexically

SALES_VOICE = ("Quality", "Great service", "Reliable")
MARKETING_VOICE = ("Lowest price", "Innovative", "Easy to use")


def _result(answers, campaigns=()):
    return compare(answers, list(campaigns), group_lexically)


def _people(team, voice, count):
    return [PersonAnswer(team, voice) for _ in range(count)]


def test_the_consensus_three_are_the_advantages_named_by_the_most_people():
    answers = _people("sales", SALES_VOICE, 3) + _people("marketing", MARKETING_VOICE, 2)

    result = _result(answers)

    labels = [n.label for n in result.consensus]
    assert labels == ["Quality", "Reliability", "Service and support"]
    assert result.consensus[0].people == 3 and result.consensus[0].percent == 60


def test_three_people_in_four_matching_is_a_shared_mindset():
    answers = _people("sales", SALES_VOICE, 3) + [
        PersonAnswer("marketing", ("cheapest", "Quality", "Innovative"))
    ]

    overall = _result(answers).overall

    assert (overall.matching, overall.people, overall.percent) == (3, 4, 75)
    assert overall.shared_mindset is True


def test_two_in_three_matching_is_no_shared_mindset():
    answers = _people("sales", SALES_VOICE, 2) + _people("marketing", MARKETING_VOICE, 1)

    overall = _result(answers).overall

    assert overall.percent == 67
    assert overall.shared_mindset is False


def test_a_person_matches_with_two_of_three_in_the_consensus():
    answers = _people("sales", SALES_VOICE, 4) + [
        PersonAnswer("marketing", ("high quality", "24/7 support", "cheapest")),
        PersonAnswer("marketing", ("high quality", "cheapest", "Innovative")),
    ]

    sales, marketing = _result(answers).teams

    assert (sales.matching, sales.people) == (4, 4)
    assert (marketing.matching, marketing.people) == (1, 2)
    assert sales.shared_mindset is True and marketing.shared_mindset is False


def test_naming_one_advantage_twice_counts_once():
    answers = [PersonAnswer("sales", ("cheap", "low price", "Quality"))] + _people(
        "sales", ("Quality", "Reliable", "Innovative"), 1
    )

    named = {n.label: n.people for n in _result(answers).named}

    assert named["Price and value"] == 1


def test_each_team_shows_its_own_top_three():
    answers = _people("sales", SALES_VOICE, 3) + _people("marketing", MARKETING_VOICE, 3)

    sales, marketing = _result(answers).teams

    assert [n.label for n in marketing.top] == [
        "Ease of use",
        "Innovation and technology",
        "Price and value",
    ]
    assert sales.top[0].label == "Quality"


def test_the_answers_that_disagree_are_listed_by_advantage_in_their_words():
    answers = _people("sales", SALES_VOICE, 3) + [
        PersonAnswer("marketing", ("cheapest", "Best value for money", "Innovative")),
    ]

    disagreements = _result(answers).disagreements

    price = next(d for d in disagreements if d.label == "Price and value")
    assert price.people == 1 and price.by_team == {"marketing": 1}
    assert price.wordings == ["Best value for money", "cheapest"]


def test_marketing_selling_on_price_while_sales_sells_on_quality_is_called_out():
    answers = _people("sales", SALES_VOICE, 3) + _people("marketing", MARKETING_VOICE, 3)
    campaigns = [
        CampaignMessage("Lowest price in its class", Decimal("1000.00"), "USD"),
        CampaignMessage("Best value for money", Decimal("500.00"), "USD"),
        CampaignMessage("Built to last", Decimal("250.00"), "USD"),
    ]

    result = _result(answers, campaigns)

    assert result.headline.startswith(
        "Marketing's campaigns sell on price and value (67% of campaigns) while Sales sells on "
        "quality (100% of the sales team name it; 0% name price and value)"
    )
    price = result.message[0]
    assert (price.label, price.campaigns, price.spend) == (
        "Price and value",
        2,
        {"USD": Decimal("1500.00")},
    )
    assert price.differs


def test_no_answers_show_no_flag():
    result = _result([])

    assert result.overall.shared_mindset is None
    assert result.consensus == [] and result.headline == ""
