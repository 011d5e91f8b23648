"""The health checks of every serving role, for load balancers and container runtimes."""

from entrypoints.api.reference.endpoint import Access, Answer, Endpoint
from entrypoints.api.reference.shapes import choice, obj, text

LIVE = Endpoint(
    "Liveness", Access.NONE, 0, description="Answers while the process serves.", params=(),
    refusals=(), answer=Answer(obj(status=choice(["live"])), "Alive.", {"status": "live"}),
)  # fmt: skip
_UNAVAILABLE = obj(status=choice(["unavailable"]), reason=text())
READY = Endpoint(
    "Readiness", Access.NONE, 0,
    description="Answers 200 while the process's stores (PostgreSQL, Redis) answer too and its "
    "engines, if it runs any, run their markets or stand by, none far behind.",
    params=(), refusals=(),
    answer=Answer(obj(status=choice(["ready"])), "Ready.", {"status": "ready"}),
    other_answers=((503, Answer(_UNAVAILABLE, "A store is out of reach.")),),
)  # fmt: skip
