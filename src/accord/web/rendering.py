"""Every Django form on Accord's pages drawn one way, after GOV.UK's design system: a summary of
the problems at the top linking to each field, each error beside its field, a label on every
field, its hint under the label and "(optional)" on those that may stay empty.

`{{ form }}` in any template draws web/form.html; a field on its own (`{{ form.x.as_field_group }}`)
draws web/_field.html, the template the record forms include too. Widgets are Django's own.
"""

from django.forms.renderers import DjangoTemplates


class AccordForms(DjangoTemplates):
    form_template_name = "web/form.html"
    field_template_name = "web/_field.html"
