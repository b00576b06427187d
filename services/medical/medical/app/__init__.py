"""Use cases of the medical service: one module per consumer or RPC group.

Each loads state through an adapter, decides with :mod:`medical.domain`, and stores and
publishes through one outbox unit (:class:`~zezhou5g.platform.outbox.RedisOutbox`):

- :mod:`medical.app.vitals` — ``medical.vitals`` → status, NEWS2, alert raised/resolved
- :mod:`medical.app.alerting` — ``AcknowledgeAlert`` and the escalation loop
- :mod:`medical.app.ambulance` — ``medical.ambulance.telemetry`` → pre-arrival notice
- :mod:`medical.app.patients` — ``SetSpo2Scale``
- :mod:`medical.app.records_writer` — statuses and alerts → SQL records
"""
