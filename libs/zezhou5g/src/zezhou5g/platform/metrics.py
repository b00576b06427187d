"""Prometheus metrics: one registry per process, names prefixed by the service name."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, start_http_server

# Shared by the Kafka helpers; the ``service`` label keeps one name across deployables.
EVENTS_CONSUMED = Counter("z5g_kafka_events_consumed_total", "Kafka events processed",
                          ["service", "topic"])
EVENTS_REJECTED = Counter("z5g_kafka_events_rejected_total",
                          "Kafka events that could not be processed, sent to the dead-letter topic",
                          ["service", "topic", "reason"])
EVENTS_DUPLICATE = Counter("z5g_kafka_events_duplicate_total",
                           "Kafka events skipped as already processed (same id or older)",
                           ["service", "topic"])
EVENTS_PRODUCED = Counter("z5g_kafka_events_produced_total",
                          "Kafka events acknowledged by the broker", ["service", "topic"])
PRODUCE_ERRORS = Counter("z5g_kafka_produce_errors_total",
                         "Kafka sends that failed and were queued again", ["service", "topic"])
PROCESS_SECONDS = Histogram("z5g_kafka_event_process_seconds", "Time to process one Kafka event",
                            ["service", "topic"])
CONSUMER_BEHIND_SECONDS = Gauge(
    "z5g_kafka_consumer_behind_seconds",
    "Age of the oldest record waiting on the consumer's partitions (0: caught up)",
    ["service", "group"])
EVENT_AGE_SECONDS = Histogram(
    "z5g_kafka_event_age_seconds", "Event time to processing time",
    ["service", "topic"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30))


def serve_metrics(port: int, host: str = "127.0.0.1") -> None:
    """Expose ``/metrics`` on ``host:port``.

    Loopback unless told otherwise (``Z5G_METRICS_HOST``): in k8s the pod binds every interface
    and a NetworkPolicy lets only the monitoring namespace in.
    """
    start_http_server(port, addr=host)
