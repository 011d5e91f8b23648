"""A request's parameters read as the standard library's `parse_qsl` reads them, whether the
text has escapes (which it unescapes) or not (which `Params.parse` splits itself); a value
that unescapes to a NUL is refused when read."""

from urllib.parse import parse_qsl

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from entrypoints.api.errors import ApiError
from entrypoints.api.params import Params

# Names and values from Binance's parameters' alphabet, and the characters a query treats apart.
TEXT = st.text(alphabet="abcXYZ019.-_=&%+ ", max_size=40)


@given(TEXT, TEXT)
@example("a=%00", "")
def test_the_parameters_are_parse_qsl_s(query: str, form: str) -> None:
    expected = parse_qsl(query, keep_blank_values=True) + parse_qsl(form, keep_blank_values=True)
    names = [name for name, _ in expected]
    if len(set(names)) < len(names):
        with pytest.raises(ApiError):
            Params.parse(query, form)
        return
    params = Params.parse(query, form)
    for name, value in expected:
        if "\x00" in value:  # "%00": unescaped, a character no text column can hold
            with pytest.raises(ApiError, match="Illegal characters"):
                params.text(name)
        else:
            assert (params.text(name) or "") == value


def test_an_escaped_value_is_unescaped_and_a_bare_one_kept() -> None:
    params = Params.parse("symbol=BTCUSDT&newClientOrderId=a%2Fb", "note=two+words&empty=&flag")
    assert params.text("symbol") == "BTCUSDT"
    assert params.text("newClientOrderId") == "a/b"
    assert params.text("note") == "two words"
    assert params.text("empty") is None
    assert params.text("flag") is None
    params.check_all_read()
