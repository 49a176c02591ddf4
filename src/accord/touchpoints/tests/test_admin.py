"""An admin extends the channel rules in the Django admin."""

from django.urls import reverse

from accord.touchpoints.classification import classify_channel
from accord.touchpoints.models import Channel, ChannelRule

ADD_URL = reverse("admin:touchpoints_channelrule_add")


def _form(**fields):
    return {
        "position": "50",
        "channel": Channel.SALES_OUTREACH,
        "is_active": "on",
        "note": "",
        "source_pattern": "",
        "medium_pattern": "",
        "campaign_pattern": "",
        "any_of_source_medium": "",
        **fields,
    }


def test_a_rule_added_in_the_admin_classifies_the_next_touch(client, admin_user):
    client.force_login(admin_user)

    response = client.post(ADD_URL, _form(source_pattern="linkedin", medium_pattern="inmail"))

    assert response.status_code == 302
    assert ChannelRule.objects.get(position=50).created_by == admin_user
    assert classify_channel("LinkedIn", "InMail", "", "") == Channel.SALES_OUTREACH


def test_the_admin_form_refuses_an_invalid_pattern_and_says_why(client, admin_user):
    client.force_login(admin_user)

    response = client.post(ADD_URL, _form(source_pattern="linkedin(", medium_pattern="(?!x)y"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "source_pattern": [
            "Not a valid regular expression: missing ), unterminated subpattern at position 8."
        ],
        "medium_pattern": [
            "This regular expression cannot run on bulk imports "
            "(look-around, including look-ahead and look-behind, is not supported)."
        ],
    }
    assert not ChannelRule.objects.filter(position=50).exists()


def test_the_admin_form_refuses_a_rule_without_patterns(client, admin_user):
    client.force_login(admin_user)

    response = client.post(ADD_URL, _form())

    assert "Give at least one pattern" in response.content.decode()
    assert not ChannelRule.objects.filter(position=50).exists()


def test_switching_a_default_off_in_the_rule_list_applies_at_once(client, admin_user):
    client.force_login(admin_user)
    rules = list(ChannelRule.objects.order_by("position", "id"))
    data = {
        "form-TOTAL_FORMS": str(len(rules)),
        "form-INITIAL_FORMS": str(len(rules)),
        "_save": "Save",
    }
    for n, rule in enumerate(rules):
        data[f"form-{n}-id"] = str(rule.pk)
        data[f"form-{n}-position"] = str(rule.position)
        if rule.is_active and rule.channel != Channel.PAID_SEARCH:
            data[f"form-{n}-is_active"] = "on"

    response = client.post(reverse("admin:touchpoints_channelrule_changelist"), data)

    assert response.status_code == 302
    assert classify_channel("google", "cpc", "", "") == Channel.PAID_OTHER


def test_an_admin_tries_a_touch_and_sees_the_deciding_rule(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:touchpoints_channelrule_try")

    response = client.get(url, {"referrer": "https://www.google.co.uk/search?q=accord"})

    explanation = response.context["explanation"]
    assert (explanation.source, explanation.medium) == ("google.co.uk", "organic")
    assert explanation.channel == Channel.ORGANIC_SEARCH
    assert explanation.rule.note == "GA4 default: Organic Search (search site)"
    assert "Decided by the rule at position 1600" in response.content.decode()


def test_trying_an_unknown_touch_says_no_rule_matches(client, admin_user):
    client.force_login(admin_user)

    response = client.get(
        reverse("admin:touchpoints_channelrule_try"), {"utm_source": "foo", "utm_medium": "bar"}
    )

    assert response.context["explanation"].channel == Channel.UNASSIGNED
    assert "No active rule matches this touch" in response.content.decode()


def test_the_try_form_is_drawn_like_every_form_with_labels_and_hints(client, admin_user):
    client.force_login(admin_user)

    page = client.get(reverse("admin:touchpoints_channelrule_try")).content.decode()

    assert '<label for="id_utm_source">UTM source' in page
    assert 'id="id_referrer_helptext"' in page and "web/forms.css" in page


def test_the_rule_list_links_to_trying_a_touch(client, admin_user):
    client.force_login(admin_user)

    response = client.get(reverse("admin:touchpoints_channelrule_changelist"))

    assert reverse("admin:touchpoints_channelrule_try") in response.content.decode()
