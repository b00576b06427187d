"""Handles vital-sign observations: validate, drop duplicates, keep the latest per patient."""

from __future__ import annotations

from datetime import UTC

import redis
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import EventProducer, RejectEvent
from zezhou5g.platform.latest import LatestStore
from zezhou5g.platform.metrics import EVENTS_DUPLICATE
from zezhou5g.platform.validation import present_fields, range_violations

from medical.adapters.observations import ObservationStore
from medical.domain.news2 import News2Result, score
from medical.domain.plausibility import RANGES
from medical.topics import PATIENT_STATUS

_CONSCIOUSNESS = {
    medical_pb2.CONSCIOUSNESS_ALERT: "alert", medical_pb2.CONSCIOUSNESS_CONFUSION: "confusion",
    medical_pb2.CONSCIOUSNESS_VOICE: "voice", medical_pb2.CONSCIOUSNESS_PAIN: "pain",
    medical_pb2.CONSCIOUSNESS_UNRESPONSIVE: "unresponsive",
}
_NUMERIC = ("resp_rate_per_min", "spo2_pct", "systolic_mmhg", "heart_rate_bpm", "temperature_c")


def news2_values(vitals: medical_pb2.VitalSigns) -> dict[str, float | bool | str]:
    """The NEWS2 parameters present in one observation set, by NEWS2 parameter name."""
    values: dict[str, float | bool | str] = {
        name: getattr(vitals, name) for name in _NUMERIC if vitals.HasField(name)}
    if vitals.HasField("on_oxygen"):
        values["on_oxygen"] = vitals.on_oxygen
    if vitals.consciousness in _CONSCIOUSNESS:
        values["consciousness"] = _CONSCIOUSNESS[vitals.consciousness]
    return values


def news2_message(result: News2Result) -> medical_pb2.News2:
    """Wire form of a NEWS2 result."""
    levels = list(_CONSCIOUSNESS.values())
    return medical_pb2.News2(
        aggregate=result.aggregate, risk=result.risk, single_parameter_3=result.single_parameter_3,
        complete=result.complete, missing=list(result.missing), spo2_scale=result.scale,
        monitoring=result.monitoring, response=result.response,
        parameters=[medical_pb2.News2Parameter(
            parameter=p.parameter, points=p.points,
            value=float(levels.index(p.value)) if isinstance(p.value, str) else float(p.value))
            for p in result.breakdown])


class VitalsProcessor:
    """Turns ``VitalSigns`` events into ``PatientVitals`` status events."""

    def __init__(self, client: redis.Redis, producer: EventProducer) -> None:
        self.client = client
        self.producer = producer
        self.observations = ObservationStore(client)
        self.patients: LatestStore[medical_pb2.PatientVitals] = LatestStore(
            client, "medical:patient", medical_pb2.PatientVitals)

    def _is_newer(self, vitals: medical_pb2.VitalSigns) -> bool:
        """True for an observation set newer than the device's last; records it as the last.

        Order is (event time, sequence number): a resend repeats both and a late arrival has an
        older time, so both are dropped; a device that rebooted starts its sequence again at 1
        but with a newer time, and is accepted.
        """
        key = f"medical:device:{vitals.device_id}"
        at_us = vitals.meta.event_time.ToMicroseconds()
        last = self.client.hmget(key, ["at_us", "seq"])
        if last[0] is not None and (at_us, vitals.seq) <= (int(last[0]), int(last[1] or 0)):
            return False
        self.client.hset(key, mapping={"at_us": at_us, "seq": vitals.seq})
        return True

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for ``medical.vitals``."""
        vitals = event.message
        assert isinstance(vitals, medical_pb2.VitalSigns)
        if not vitals.patient_id or not vitals.device_id:
            raise RejectEvent("patient_id and device_id are required")
        bad = range_violations(present_fields(vitals, list(RANGES)), RANGES)
        if bad:
            raise RejectEvent("; ".join(bad))
        if not self._is_newer(vitals):
            EVENTS_DUPLICATE.labels("medical", event.topic).inc()
            return
        total = int(self.client.incr(f"medical:observations_total:{vitals.patient_id}"))
        at = vitals.meta.event_time.ToDatetime(tzinfo=UTC)
        latest = self.observations.update(vitals.patient_id, news2_values(vitals), at)
        result = score(latest, at, scale2=self.observations.uses_scale2(vitals.patient_id))
        status = medical_pb2.PatientVitals(patient_id=vitals.patient_id, latest=vitals,
                                           observations_total=total,
                                           news2=news2_message(result))
        status.meta.event_time.CopyFrom(vitals.meta.event_time)
        self.producer.publish(PATIENT_STATUS, status, key=vitals.patient_id)
        self.patients.put(vitals.patient_id, status)
