"""The framework's ceiling: a Litestar POST handler that reads an order's form, as Bourse's
order route does, and answers a small JSON body, with nothing behind it. `benchmarks.ceiling`
serves it with the same uvicorn options as `bourse serve`.

    python -m benchmarks.bare_app --port P
"""

import argparse
import itertools

import uvicorn
from litestar import Litestar, Request, get, post
from litestar.datastructures import State

from entrypoints.api.transport import server_options
from entrypoints.settings import Settings

_ids = itertools.count(1)


@post("/api/v3/order", status_code=200)
async def place(request: Request[object, object, State]) -> dict[str, object]:
    form = await request.form()
    return {
        "symbol": form.get("symbol"),
        "orderId": next(_ids),
        "status": "EXPIRED",
        "timeInForce": form.get("timeInForce"),
    }


@get("/health")
async def health() -> str:
    return "ok"


app = Litestar([place, health], openapi_config=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    options = server_options(Settings.from_env("memory"))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", **options)


if __name__ == "__main__":
    main()
