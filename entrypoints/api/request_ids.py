"""A request id for every HTTP request and WebSocket connection: the client's own X-Request-Id
when it is a sane token, else a new one. The response carries it (`entrypoints.api.app`), and so
does every line logged while it is served (`entrypoints.api.middleware`), so that a user's
report leads to its traceback."""

import re

from litestar.types import Scope

from adapters.system import SecretsIdSource

HEADER = b"x-request-id"
# What a proxy or client tracing tool sends (uuids, hex, dotted or colon-separated tokens);
# anything else, such as a value made to forge log lines, is replaced.
SANE = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
STATE_KEY = "request_id"
_ids = SecretsIdSource()  # made up, unique, not secret: no read of the machine's randomness each


def request_id(scope: Scope) -> str:
    state = scope.setdefault("state", {})
    found: str | None = state.get(STATE_KEY)
    if found is None:
        sent = next((value for name, value in scope["headers"] if name == HEADER), b"")
        found = sent.decode() if SANE.fullmatch(sent) else _ids.serial()
        state[STATE_KEY] = found
    return found
