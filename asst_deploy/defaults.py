"""Defaults more than one layer needs (the CLI's help, the session, the applier, the client).

``DEFAULT_PARALLELISM``: requests in flight at once. At the real API's latency (hundreds of ms a
request) an apply's writes wait on the network, not the CPU, so 16 at once deploy twice as fast as
8 did; the rate limiter halves the window on any 429 and grows it back as requests pass
(backends/ratelimit.py), so a small account's limit is not overrun for long.
"""

DEFAULT_PARALLELISM = 16
