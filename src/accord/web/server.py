"""Serving the WSGI app with gunicorn, in process, so `accord serve` needs no other command;
with `with_worker`, `accord worker` runs beside it (alerts, SLA sweeps, imports from the page)
and stops with it."""

import os
import subprocess
import sys

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


def serve(host: str, port: int, workers: int, threads: int, *, with_worker: bool = False) -> None:
    from django.core.wsgi import get_wsgi_application

    worker = subprocess.Popen([sys.executable, "-m", "accord", "worker"]) if with_worker else None
    arbiter = os.getpid()  # gunicorn's forked workers leave through this `finally` too
    try:
        AccordServer(
            get_wsgi_application(),
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                # A worker takes no more connections than it has threads and closes each after
                # its answer, so that any free worker takes the next request. With keep-alive,
                # one worker could hold several clients' connections and answer them in turn
                # while the others sat idle: half the capture rate in most load-bench runs
                # (bench/README.md).
                "worker_connections": threads,
                "keepalive": 0,
                "accesslog": "-",
                "timeout": 120,
            },
        ).run()
    finally:
        if worker is not None and os.getpid() == arbiter:
            worker.terminate()  # the worker finishes the job in hand, then exits
            worker.wait()
