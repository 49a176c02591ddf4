"""Django admin for every model: a read-only admin for the models no app's admin.py covers.

An app's own admin.py always wins. This runs from WebConfig.ready(), after the admin's
autodiscover has imported every app's admin module, so it never collides with them. The
fallback only shows rows: writes go through each app's services, which validate and audit them.
"""

from django.apps import apps
from django.contrib import admin
from django.db import models

from accord.readonly_admin import ReadOnlyAdmin

LIST_COLUMNS = 6


def accord_models() -> list[type[models.Model]]:
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("accord.")
        for model in config.get_models()
    ]


def models_in_inlines(site: admin.AdminSite) -> set[type[models.Model]]:
    return {
        inline.model for model_admin in site._registry.values() for inline in model_admin.inlines
    }


def plain_admin(model: type[models.Model]) -> type[ReadOnlyAdmin]:
    """A list of the model's first few plain columns, each row linked to a view of every field."""
    columns = [
        field.name
        for field in model._meta.concrete_fields
        if not field.primary_key and not isinstance(field, models.TextField | models.JSONField)
    ][:LIST_COLUMNS]
    return type(
        f"{model.__name__}Admin",
        (ReadOnlyAdmin,),
        {"__module__": __name__, "list_display": columns},
    )


def do_register_uncovered_models(site: admin.AdminSite = admin.site) -> None:
    inlined = models_in_inlines(site)
    for model in accord_models():
        if not site.is_registered(model) and model not in inlined:
            site.register(model, plain_admin(model))
