"""The notification settings: for each kind of event, the bell, e-mail, both or neither."""

from django import forms

from accord.alerts.preferences import IN_MY_WORDS, Channels

WAYS = [("bell", "In the bell"), ("email", "By e-mail")]


def field_name(event: str) -> str:
    return event.replace(".", "_")  # "lead.routed" is no good in an element id's selector


class ChannelsForm(forms.Form):
    def __init__(self, *args, current: dict[str, Channels], **kwargs):
        super().__init__(*args, **kwargs)
        for event, words in IN_MY_WORDS.items():
            channels = current[event]
            ticked = [way for way, on in (("bell", channels.bell), ("email", channels.email)) if on]
            self.fields[field_name(event)] = forms.MultipleChoiceField(
                label=words,
                required=False,
                choices=WAYS,
                widget=forms.CheckboxSelectMultiple,
                initial=ticked,
            )

    def chosen(self) -> dict[str, Channels]:
        ways = {event: self.cleaned_data[field_name(event)] for event in IN_MY_WORDS}
        return {
            event: Channels(bell="bell" in chosen, email="email" in chosen)
            for event, chosen in ways.items()
        }
