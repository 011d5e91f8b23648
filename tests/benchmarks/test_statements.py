"""The statements of `benchmarks.statements`, ranked by the server's time and told per request."""

from benchmarks.statements import per_request


def test_the_statements_that_took_longest_come_first_with_their_share_of_each_request() -> None:
    counted = [
        {"calls": 100, "total_exec_time": 5.0, "query": "INSERT INTO orders"},
        {"calls": 10, "total_exec_time": 20.0, "query": "SELECT FROM outbox"},
        {"calls": 400, "total_exec_time": 1.0, "query": "COMMIT"},
    ]
    assert per_request(counted, 200, 2) == [
        {
            "calls_per_request": 0.05,
            "us_per_call": 2000.0,
            "us_per_request": 100.0,
            "statement": "SELECT FROM outbox",
        },
        {
            "calls_per_request": 0.5,
            "us_per_call": 50.0,
            "us_per_request": 25.0,
            "statement": "INSERT INTO orders",
        },
    ]
