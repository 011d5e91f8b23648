"""The ids made up for what a client sends without one (client order ids): unique, and as long
as Binance's."""

from adapters.system import SecretsIdSource


def test_no_serial_repeats_within_a_source_or_across_sources() -> None:
    sources = [SecretsIdSource(), SecretsIdSource()]
    made = [source.serial() for source in sources for _ in range(1000)]
    assert {len(serial) for serial in made} == {22}
    assert len(set(made)) == len(made)
