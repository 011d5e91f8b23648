"""What benchmarks.ceiling reads from wrk's report."""

import pytest

from benchmarks.ceiling import wrk_figures

REPORT = """Running 5s test @ http://127.0.0.1:8000/api/v3/order
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    14.02ms    3.11ms  48.90ms   80.12%
    Req/Sec     1.15k    96.52     1.33k    71.00%
  Latency Distribution
     50%  813.00us
     75%   15.10ms
     90%   17.84ms
     99%    1.02s
  11412 requests in 5.00s, 4.31MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   2282.47
Transfer/sec:    882.22KB
"""


def test_the_rate_latencies_in_their_units_and_every_kind_of_error_are_read() -> None:
    assert wrk_figures(REPORT) == {
        "rps": 2282.47,
        "p50_ms": pytest.approx(0.813),
        "p99_ms": 1020.0,
        "errors": 12.0,
    }


def test_a_clean_run_has_no_errors() -> None:
    clean = "\n".join(
        line for line in REPORT.splitlines() if not line.startswith(("  Socket", "  Non-2xx"))
    )
    assert wrk_figures(clean)["errors"] == 0.0


def test_a_report_without_its_rate_is_refused() -> None:
    with pytest.raises(RuntimeError, match="Requests/sec"):
        wrk_figures(REPORT.replace("Requests/sec", "Req"))
