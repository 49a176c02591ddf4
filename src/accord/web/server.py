"""Serving the WSGI app with gunicorn, in process, so `accord serve` needs no other command."""

from gunicorn.app.base import BaseApplication


class AccordServer(BaseApplication):
    def __init__(self, application, options: dict):
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def serve(host: str, port: int, workers: int, threads: int) -> None:
    from django.core.wsgi import get_wsgi_application

    AccordServer(
        get_wsgi_application(),
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": "-",
            "timeout": 120,
        },
    ).run()
