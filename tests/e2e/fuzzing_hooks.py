"""Schemathesis hooks (SCHEMATHESIS_HOOKS) that give every request the credentials its operation
documents, from the environment the test sets: SIGNED requests are signed with a real key's
secret over the exact query string and body sent, as a Binance client signs them."""

import os
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import schemathesis

from adapters.security.signatures import sign

API_KEY = os.environ.get("BOURSE_FUZZ_API_KEY", "")
SECRET = os.environ.get("BOURSE_FUZZ_SECRET", "")
ACCESS_TOKEN = os.environ.get("BOURSE_FUZZ_ACCESS_TOKEN", "")
ADMIN_TOKEN = os.environ.get("BOURSE_FUZZ_ADMIN_TOKEN", "")


class Signature(requests.auth.AuthBase):
    """The request as sent, with a fresh `timestamp` and the `signature` of all before it."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        assert request.url is not None
        url = urlsplit(request.url)
        kept = [
            part for part in url.query.split("&")
            if part and not part.startswith(("timestamp=", "signature="))
        ]  # fmt: skip
        query = "&".join([*kept, f"timestamp={int(time.time() * 1000)}"])
        body = request.body or ""
        signed = query + (body.decode("latin-1") if isinstance(body, bytes) else str(body))
        query += f"&signature={sign(SECRET, signed)}"
        request.url = urlunsplit(url._replace(query=query))
        request.headers["X-MBX-APIKEY"] = API_KEY
        return request


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: Any, kwargs: dict[str, Any]) -> None:
    security = case.operation.definition.raw.get("security", [])
    schemes = {name for requirement in security for name in requirement}
    if case.headers is None:
        case.headers = {}
    if "ApiKey" in schemes and API_KEY:
        if "Bearer" in schemes:  # SIGNED: an API key alone is USER_STREAM
            kwargs["auth"] = Signature()
        else:
            case.headers["X-MBX-APIKEY"] = API_KEY
    elif "AdminToken" in schemes and ADMIN_TOKEN:  # the machines' transfers
        case.headers["X-Admin-Token"] = ADMIN_TOKEN
    elif "Bearer" in schemes and ACCESS_TOKEN:  # an admin route answers a trader 403
        case.headers["Authorization"] = f"Bearer {ACCESS_TOKEN}"
