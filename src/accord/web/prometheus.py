"""`/metrics` for Prometheus: this server's request counts and timings (accord.telemetry, added
up over every gunicorn worker) and what the database holds now: the worker's queue, its
heartbeat, the captures waiting for it, missed SLA clocks, alert deliveries, imports and CRM
sync runs by outcome.

Who may read it: with ACCORD_METRICS_TOKEN set, whoever sends `Authorization: Bearer TOKEN`;
without, only a client on this machine that did not come through a proxy (a proxy on the same
machine would make everyone look local)."""

import ipaddress
import os
import secrets

from django.conf import settings
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from accord.alerts.health import heartbeat_age, waiting_jobs
from accord.alerts.selectors import count_deliveries
from accord.capture.selectors import count_routed, waiting_for_worker
from accord.crm_sync import selectors as sync
from accord.handoff.selectors import count_breaches
from accord.imports.runs.selectors import count_runs

PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


def may_scrape(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        return given.startswith("Bearer ") and secrets.compare_digest(
            given.removeprefix("Bearer ").encode(), token.encode()
        )
    if any(name in request.headers for name in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def exposition() -> bytes:
    """Every figure in Prometheus' text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return generate_latest(processes) + generate_latest(database)


class DatabaseCollector(Collector):
    """Read at each scrape, so the figures are the database's whichever process did the work."""

    def collect(self):
        depth = GaugeMetricFamily(
            "accord_queue_jobs", "Jobs waiting for the worker, by queue", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "accord_queue_oldest_job_age_seconds",
            "How long the oldest job waiting for the worker has waited, by queue",
            labels=["queue"],
        )
        now = timezone.now()
        waiting = waiting_jobs()
        for queue in settings.TASKS["default"]["QUEUES"]:
            count, enqueued_at = waiting.get(queue, (0, now))
            depth.add_metric([queue], count)
            oldest.add_metric([queue], (now - enqueued_at).total_seconds())
        yield depth
        yield oldest

        captures, captured_at = waiting_for_worker()
        yield GaugeMetricFamily(
            "accord_captures_waiting", "Captures waiting for the worker to route them", captures
        )
        yield GaugeMetricFamily(
            "accord_capture_oldest_wait_seconds",
            "How long the capture waiting longest for the worker has waited",
            (now - (captured_at or now)).total_seconds(),
        )

        # routing happens in the worker's process, so the count is the database's
        yield CounterMetricFamily(
            "accord_captures_routed", "Captures handed to a rep", value=count_routed()
        )

        age = heartbeat_age()
        if age is not None:  # no series until the worker first runs: absent() alerts on that
            yield GaugeMetricFamily(
                "accord_worker_heartbeat_age_seconds",
                "Seconds since the worker's loop last beat (every 10 s while it runs)",
                value=age.total_seconds(),
            )

        breaches = CounterMetricFamily(
            "accord_sla_breaches",
            "SLA clocks a rep missed, by clock (first touch, decision)",
            labels=["clock"],
        )
        for clock, count in count_breaches().items():
            breaches.add_metric([clock], count)
        yield breaches

        deliveries = GaugeMetricFamily(
            "accord_alert_deliveries",
            "Alert deliveries kept, by channel and outcome (pending, delivered, failed)",
            labels=["channel", "outcome"],
        )
        for (channel, status), count in sorted(count_deliveries().items()):
            deliveries.add_metric([channel, status], count)
        yield deliveries

        runs = GaugeMetricFamily(
            "accord_import_runs",
            "Checks and imports of uploaded files kept, by mode and outcome",
            labels=["mode", "outcome"],
        )
        for (mode, status), count in sorted(count_runs().items()):
            runs.add_metric([mode, status], count)
        yield runs

        sync_runs = GaugeMetricFamily(
            "accord_sync_runs",
            "CRM sync runs kept, by CRM and outcome (running, done, failed)",
            labels=["crm", "outcome"],
        )
        for (crm, status), count in sorted(sync.count_runs().items()):
            sync_runs.add_metric([crm, status], count)
        yield sync_runs
        sync_problems = GaugeMetricFamily(
            "accord_sync_errors",
            "Records CRM sync runs skipped or could not write back, by CRM and direction",
            labels=["crm", "direction"],
        )
        for (crm, direction), count in sorted(sync.count_problems().items()):
            sync_problems.add_metric([crm, direction], count)
        yield sync_problems
