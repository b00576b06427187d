"""``python -m simulators [tourism medical agri transport] [--interval S]``: demo devices."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading

from zezhou5g.platform.kafka import EventProducer, ensure_topics
from zezhou5g.platform.logging import log_fields, setup_logging
from zezhou5g.platform.metrics import serve_metrics

from simulators.agri import SoilReplay
from simulators.base import Simulator, run
from simulators.medical import Wearables
from simulators.tourism import EnvironmentSensors
from simulators.transport import Gates

log = logging.getLogger("simulators")

FACTORIES = {"tourism": EnvironmentSensors, "medical": Wearables, "agri": SoilReplay,
             "transport": Gates}


def main() -> None:
    """Run the chosen simulators in threads until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m simulators")
    parser.add_argument("names", nargs="*", choices=[[], *FACTORIES])
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between ticks")
    args = parser.parse_args()
    bootstrap = os.environ.get("Z5G_KAFKA_BOOTSTRAP")
    if not bootstrap:
        raise SystemExit("Z5G_KAFKA_BOOTSTRAP is not set (host:port of the Kafka broker)")
    setup_logging("simulators", os.environ.get("Z5G_LOG_LEVEL", "INFO"))
    metrics_port = int(os.environ.get("Z5G_METRICS_PORT", "9100"))
    if metrics_port:
        serve_metrics(metrics_port, os.environ.get("Z5G_METRICS_HOST", "127.0.0.1"))
    sims: list[Simulator] = [FACTORIES[n]() for n in (args.names or FACTORIES)]
    ensure_topics(bootstrap, sorted({t for s in sims for t in getattr(s, "topics", (s.topic,))}))
    producer = EventProducer(bootstrap, "simulators")
    stop = threading.Event()
    # Signals are taken synchronously by sigwait below: a Python-level handler calling
    # Event.set() can deadlock when a second signal interrupts the first inside set().
    signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    counts: dict[str, int] = {}

    def run_one(sim: Simulator) -> None:
        counts[sim.name] = run(sim, producer, args.interval, stop)

    threads = [threading.Thread(target=run_one, args=(s,), name=s.name) for s in sims]
    for t in threads:
        t.start()
    signal.sigwait(signals)
    stop.set()
    for t in threads:
        t.join()
    acknowledged = producer.flush(timeout=60)
    producer.close()
    log.info("stopped", extra=log_fields(published=counts, all_acknowledged=acknowledged,
                                         unacknowledged=producer.pending()))


if __name__ == "__main__":
    main()
