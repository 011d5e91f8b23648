import pytest

from entrypoints.cli import main


def test_the_demo_trades_and_conserves_every_asset(capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo", "--orders", "300", "--seed", "3"])
    out = capsys.readouterr().out
    assert "trades" in out
    assert "last trades:" in out
    assert out.rstrip().endswith("every asset's total equals what was deposited: conserved")
