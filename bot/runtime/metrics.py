"""Prometheus metrics: one `Metrics` per process, on its own registry, served at `GET /metrics`.

The composition root creates it (a `Deps` field); tests make their own, so no test
shares the library's global registry. Label values are fixed vocabularies (request
kind, status class, delivery status, job id), never team or user ids.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.digest.delivery import DeliveryOutcome
from ingest.scan_results import ScanSummary

#: Slack allows 3 s for an acknowledgement; buckets are dense below that.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 3.0, 5.0, 10.0)
JOB_BUCKETS = (0.05, 0.25, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0)
REQUEST_KINDS = ("command", "action", "event", "other")


class Metrics:
    """Counters and histograms the HTTP layer, the scheduler and the jobs update."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("podbrief_slack_requests", "Requests from Slack by kind and HTTP status class.",
                                ("kind", "outcome"), registry=r)
        self.latency = Histogram("podbrief_slack_request_duration_seconds",
                                 "Time to answer a request from Slack (until the acknowledgement).", ("kind",),
                                 buckets=LATENCY_BUCKETS, registry=r)
        self.digests = Counter("podbrief_digests", "Digest deliveries by outcome (delivered, quiet, retry, failed...).",
                               ("status",), registry=r)
        self.job_runs = Counter("podbrief_scheduler_job_runs", "Scheduled job runs by job id and outcome (ok, error).",
                                ("job", "outcome"), registry=r)
        self.job_duration = Histogram("podbrief_scheduler_job_duration_seconds", "Time a scheduled job run took.",
                                      ("job",), buckets=JOB_BUCKETS, registry=r)
        self.job_last_success = Gauge("podbrief_scheduler_job_last_success_timestamp_seconds",
                                      "Unix time of the last successful run of each job.", ("job",), registry=r)
        self.scans = Counter("podbrief_feed_scans", "Feed scans completed.", registry=r)
        self.feeds_checked = Counter("podbrief_feeds_checked", "Feeds checked by scans.", registry=r)
        self.feeds_unchanged = Counter("podbrief_feeds_unchanged", "Feeds that had not changed since the last scan.",
                                       registry=r)
        self.feed_errors = Counter("podbrief_feed_errors", "Feeds that failed during a scan.", registry=r)
        self.new_episodes = Counter("podbrief_scan_new_episodes", "New episodes found by scans.", registry=r)
        self.insights_added = Counter("podbrief_scan_insights_added", "Insights added by scans.", registry=r)
        self.scan_duration = Histogram("podbrief_feed_scan_duration_seconds", "Time a whole feed scan took.",
                                       buckets=JOB_BUCKETS, registry=r)
        for kind in REQUEST_KINDS:  # series exist from the start, so rates work before the first request
            self.latency.labels(kind)

    def record_request(self, kind: str, status: int, seconds: float) -> None:
        """One request from Slack answered with HTTP `status` after `seconds`."""
        kind = kind if kind in REQUEST_KINDS else "other"
        self.requests.labels(kind, status_class(status)).inc()
        self.latency.labels(kind).observe(seconds)

    def record_digests(self, outcomes: Iterable[DeliveryOutcome]) -> None:
        """The outcomes of one digest run."""
        for outcome in outcomes:
            self.digests.labels(outcome.status).inc()

    def record_scan(self, summary: ScanSummary) -> None:
        """What one feed scan did."""
        self.scans.inc()
        self.feeds_checked.inc(summary.feeds_checked)
        self.feeds_unchanged.inc(summary.unchanged)
        self.feed_errors.inc(summary.errors)
        self.new_episodes.inc(summary.new_episodes)
        self.insights_added.inc(summary.insights_added)
        self.scan_duration.observe(summary.elapsed_seconds)

    def record_job(self, job_id: str, ok: bool, seconds: float | None, finished_at: float) -> None:
        """One scheduled job run (`finished_at` is Unix time)."""
        self.job_runs.labels(job_id, "ok" if ok else "error").inc()
        if seconds is not None:
            self.job_duration.labels(job_id).observe(seconds)
        if ok:
            self.job_last_success.labels(job_id).set(finished_at)

    def render(self) -> tuple[bytes, str]:
        """The exposition text and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def status_class(status: int) -> str:
    """200 -> "2xx"."""
    return f"{status // 100}xx" if 100 <= status <= 599 else "other"
