"""Alert tests: a real webhook receiver on loopback, endpoints, and a rep with leads routed."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accord.alerts.models import Endpoint
from accord.handoff.models import RoutingMember, RoutingRule
from accord.handoff.terms import SlaTerms


class Receiver:
    """An HTTP server thread on 127.0.0.1 that records every POST (headers and body) and
    answers with the next status of `answers` (then 200), after `delay` seconds."""

    def __init__(self, delay: float = 0.0):
        self.received: list[dict] = []
        self.answers: list[int] = []
        self.delay = delay
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/accord"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    receiver.received.append({"headers": headers, "body": body})
                    code = receiver.answers.pop(0) if receiver.answers else 200
                time.sleep(receiver.delay)
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def ids(self) -> list[str]:
        with self.lock:
            return [r["headers"]["webhook-id"] for r in self.received]

    def json(self, index: int = -1) -> dict:
        return json.loads(self.received[index]["body"])

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def endpoint(db, receiver):
    return Endpoint.objects.create(name="Sales ops", url=receiver.url)


@pytest.fixture
def terms():
    return SlaTerms(first_touch_hours=4, decision_days=2, agreement_version=1)


@pytest.fixture
def round_robin(sales_team, rep):
    rule = RoutingRule.objects.create(
        position=10, kind=RoutingRule.Kind.ROUND_ROBIN, team=sales_team
    )
    RoutingMember.objects.create(rule=rule, user=rep)
    return rule
