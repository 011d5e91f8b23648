"""The request every HTTP handler gets: Litestar's, refusing a JSON body nested too deep to
decode as malformed instead of failing on it."""

from typing import Any

from litestar import Request
from litestar.exceptions import SerializationException


class ApiRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        try:
            return await super().json()
        except RecursionError:
            # msgspec stops at the interpreter's recursion limit, and says so with this error
            # rather than its DecodeError; Litestar answers a SerializationException with a 400.
            raise SerializationException("JSON nested too deeply.") from None
