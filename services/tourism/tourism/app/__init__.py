"""Use cases of the tourism service: what happens when a reading, a frame or a request arrives.

One module per consumer or RPC group. Each decides with :mod:`tourism.domain` and changes state
and publishes through one unit of the service's outbox (:mod:`zezhou5g.platform.outbox`).
"""
