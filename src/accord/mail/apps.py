from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "accord.mail"
    label = "mail"
    verbose_name = "Mail"
