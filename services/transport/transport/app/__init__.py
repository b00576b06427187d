"""Use cases of the transport service: one module per consumer or RPC group.

Each decides with :mod:`transport.domain` and persists + publishes through one unit of the
effects primitive (:mod:`zezhou5g.platform.outbox`); :mod:`transport.adapters` name the keys
and tables.
"""
