"""The load benchmark's search for the highest rate held ends, and on the best rate it could
tell apart, whatever the capacity: rates go in steps of ten."""

from collections.abc import Awaitable, Callable

import pytest

from benchmarks.http_load import highest_held
from benchmarks.load_report import Row

ATTEMPTS = 40  # far more than any search needs: a search that goes on is a failure


def server_holding(capacity: float) -> tuple[list[float], Callable[[float], Awaitable[Row]]]:
    tried: list[float] = []

    async def attempt(rate: float) -> Row:
        tried.append(rate)
        assert len(tried) < ATTEMPTS, f"the search went on: {tried}"
        return {"rate": rate, "p99_ms": 50.0 if rate <= capacity else 500.0, "errors": 0}

    return tried, attempt


@pytest.mark.parametrize("capacity", [95.0, 333.0, 1234.0, 2.0])
async def test_the_search_ends_on_the_highest_rate_it_can_tell(capacity: float) -> None:
    tried, attempt = server_holding(capacity)
    first: Row = {"rate": 500.0, "p99_ms": 50.0 if capacity >= 500 else 500.0, "errors": 0}
    held = await highest_held(attempt, [first])
    if capacity < 10:
        assert held is None
        return
    assert held is not None
    assert held["rate"] <= capacity
    # Either within the search's precision of a rate that failed, or no rate of ten's steps
    # lies between them.
    failed = min(rate for rate in [*tried, 500.0] if rate > capacity)
    assert failed <= held["rate"] * 1.1 or failed - held["rate"] <= 10
