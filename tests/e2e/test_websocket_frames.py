"""The frames the stream connections' batched sends make are what a WebSocket client reads:
whole text frames, unmasked, with the payload's length in each of its three encodings."""

import pytest
from websockets.client import ClientProtocol
from websockets.frames import Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from entrypoints.api.websocket_protocol import text_header


@pytest.mark.parametrize("length", [0, 1, 125, 126, 65535, 65536, 70000])
def test_a_client_reads_each_text_as_a_message_of_its_own(length: int) -> None:
    payload = b"x" * length
    client = ClientProtocol(parse_uri("ws://127.0.0.1/ws"), state=State.OPEN, max_size=None)
    client.receive_data(text_header(len(payload)) + payload + text_header(2) + b"{}")
    frames = client.events_received()
    assert [(frame.opcode, frame.fin, frame.data) for frame in frames] == [  # type: ignore[union-attr]
        (Opcode.TEXT, True, payload),
        (Opcode.TEXT, True, b"{}"),
    ]
    assert client.parser_exc is None
