from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "accord.web"

    def ready(self):
        from accord.web.admin_coverage import do_register_uncovered_models

        do_register_uncovered_models()
