"""How a Bourse process runs Python's cyclic garbage collector once it has started.

Python's default collects the youngest generation every 700 new container objects: under
benchmarks.ceiling, every seventh request; one in about 120 of those went on to a full
collection, which paused the event loop up to 105 ms; 2.3 s of 20 s went to collections
(gc.callbacks). Every 50,000, with each older generation after 20 of the younger's, the same
load spent 0.3 s in them and served 18% more orders (docs/performance.md)."""

import gc

THRESHOLDS = (50_000, 20, 20)


def settle_collector() -> None:
    """What start-up built (modules, routes, the container, the engine's markets) lives as
    long as the process: frozen, it spares every later full collection the scan of it."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
