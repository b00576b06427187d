"""Use cases: what happens when a reading, a fix, a tick or a request arrives.

Each module decides with :mod:`agri.domain` and persists and publishes through one unit of work
of the platform outbox (:mod:`zezhou5g.platform.outbox`); stores in :mod:`agri.adapters` name
the keys and tables.
"""
