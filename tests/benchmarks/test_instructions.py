"""What benchmarks.instructions reads from a callgrind output file."""

import pytest

from benchmarks.instructions import total_instructions

DUMP = """# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 4242
cmd:  python -m entrypoints.cli serve
part: 1

desc: Trigger: Client Request: dump

positions: line
events: Ir
summary: 1502418463

fl=(1) ceval.c
fn=(1) _PyEval_EvalFrameDefault
0 352704670

totals: 1502418463
"""


def test_the_count_is_the_files_totals() -> None:
    assert total_instructions(DUMP) == 1_502_418_463


def test_a_file_without_totals_is_refused() -> None:
    with pytest.raises(ValueError, match="no totals"):
        total_instructions(DUMP.replace("totals:", "total:"))
