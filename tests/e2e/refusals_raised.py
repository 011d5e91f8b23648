"""What a route handler can refuse with, read from its source: the ApiErrors it and the helpers
of entrypoints/api it calls raise (less those it catches), the domain and application errors it
raises, and those of the use cases and ports it calls (`USE_CASES`), each turned into its HTTP
status and Binance code by the app's own exception handlers."""

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from application.accounts import InvalidSignUp
from application.errors import (
    AlreadyListed,
    ApplicationError,
    BackendTimeout,
    EmailTaken,
    FeatureDisabled,
    InvalidCredentials,
    InvalidToken,
    MarketUnavailable,
    NotFound,
    RateLimited,
    ReferenceTaken,
    Unavailable,
)
from application.user_streams import UnknownListenKey
from domain import errors as domain
from entrypoints.api.errors import APPLICATION_CODES, DOMAIN_CODES

API = Path(__file__).resolve().parents[2] / "entrypoints" / "api"
Refusal = tuple[int, int]  # (HTTP status, Binance code)
Raised = set[Refusal | type[Exception]]

_ENGINE = {domain.UnknownMarket, MarketUnavailable, BackendTimeout}
_CHECKS = {
    domain.UnknownMarket, domain.MarketClosed, domain.FilterFailure, domain.InvalidOrder,
    domain.InvalidAmount,
}  # fmt: skip
_PLACING = {*_CHECKS, *_ENGINE, domain.InsufficientBalance, domain.WouldTake, domain.DuplicateOrder}
_CHANGES = {*_ENGINE, domain.MarketClosedToChanges}
_DEPOSIT = {ReferenceTaken, NotFound, domain.UnknownAsset, domain.InvalidAmount}
_LISTING = {Unavailable, domain.InvalidListing}
USE_CASES: dict[tuple[str, str], set[type[Exception]]] = {
    ("limiter", "spend"): {RateLimited, Unavailable},
    ("market", "price"): {domain.FilterFailure, domain.InvalidAmount},
    ("market", "quantity"): {domain.FilterFailure, domain.InvalidAmount},
    ("market", "quote_amount"): {domain.FilterFailure, domain.InvalidAmount},
    **{(receiver, "market"): {domain.UnknownMarket} for receiver in ("market_data", "data")},
    ("trading", "place"): _PLACING,
    ("trading", "place_oco"): {
        *_PLACING,
        domain.WouldTrigger,
        domain.OcoLegMisplaced,
        domain.OcoPrices,
    },
    ("trading", "cancel_list"): {*_CHANGES, domain.UnknownOrder},
    ("history", "order_list"): {domain.UnknownOrder},
    ("trading", "test"): _CHECKS,
    ("trading", "cancel"): {*_CHANGES, domain.UnknownOrder},
    ("trading", "cancel_all"): _CHANGES,
    ("trading", "amend"): {*_CHANGES, domain.UnknownOrder, domain.InvalidAmend},
    # The cancel's error is raised under STOP_ON_FAILURE; the rest come back in the answer.
    ("trading", "cancel_replace"): {*_CHANGES, domain.UnknownOrder, domain.InvalidOrder},
    ("market_admin", "set_status"): _ENGINE,
    ("market_listing", "list_asset"): {AlreadyListed, Unavailable},
    ("market_listing", "list_market"): _LISTING | {AlreadyListed, domain.UnknownAsset},
    ("market_listing", "change_market"): _LISTING | _ENGINE,
    ("history", "order"): {domain.UnknownOrder},
    ("funds", "faucet"): {FeatureDisabled, domain.InvalidAmount, domain.UnknownAsset},
    ("funds", "deposit"): _DEPOSIT,
    ("funds", "withdraw"): {*_DEPOSIT, domain.InsufficientBalance},
    ("accounts", "sign_up"): {InvalidSignUp, EmailTaken},
    ("accounts", "login"): {InvalidCredentials},
    ("accounts", "refresh"): {InvalidToken},
    ("accounts", "logout"): {InvalidToken},
    ("accounts", "user_of_token"): {InvalidToken},
    ("accounts", "delete_api_key"): {NotFound},
    ("user_streams", "keep_alive"): {UnknownListenKey},
    ("user_streams", "close"): {UnknownListenKey},
}
"""What each use case (or port, or market conversion) a handler calls can raise, by receiver
and method: from application/ and domain/, which this reading does not follow."""

ROUTE_DECORATORS = {"get", "post", "put", "delete", "patch", "route"}
EXCEPTIONS = {
    kind.__name__: kind
    for kind in (*DOMAIN_CODES, *APPLICATION_CODES, ApplicationError, domain.DomainError,
                 InvalidToken, RateLimited, UnknownListenKey)
}  # fmt: skip


def _helpers() -> dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every function and method of entrypoints/api, by name, route handlers left out; a class
    by its name too, as calling it runs its __init__."""
    found: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
    for module in API.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not _is_route(node):
                found.setdefault(node.name, []).append(node)
            if isinstance(node, ast.ClassDef):
                methods = [f for f in node.body if isinstance(f, ast.FunctionDef)]
                OWNERS.update({id(method): node.name for method in methods})
                found.setdefault(node.name, []).extend(f for f in methods if f.name == "__init__")
    return found


def _constants() -> dict[str, ast.Call]:
    """Module-level ApiErrors given names, such as INVALID_INTERVAL."""
    found = {}
    for module in API.glob("*.py"):
        for node in ast.parse(module.read_text()).body:
            if isinstance(node, ast.Assign) and _is_api_error(node.value):
                found.update({t.id: node.value for t in node.targets if isinstance(t, ast.Name)})
    return found  # type: ignore[return-value]


def _is_route(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(d, ast.Call) and getattr(d.func, "id", None) in ROUTE_DECORATORS
        for d in node.decorator_list
    )


def _is_api_error(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ApiError"


OWNERS: dict[int, str] = {}  # a method's class, by the method's node, for its calls of cls()
HELPERS = _helpers()
CONSTANTS = _constants()


def _api_error(call: ast.Call) -> Refusal:
    code = ast.literal_eval(call.args[0])
    status = ast.literal_eval(call.args[2]) if len(call.args) > 2 else 400
    for keyword in call.keywords:
        if keyword.arg == "status":
            status = ast.literal_eval(keyword.value)
    return status, code


def _receiver(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def _raised(nodes: Sequence[ast.AST], seen: set[str]) -> Raised:
    raised: Raised = set()
    for node in nodes:
        raised |= _raised_by(node, seen)
    return raised


def _raised_by(node: ast.AST, seen: set[str]) -> Raised:
    if isinstance(node, ast.Try):
        return _raised_in_try(node, seen)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):  # not its annotations
        owner = OWNERS.get(id(node))
        inner = {s for s in seen if not s.startswith("cls=")} | {f"cls={owner}"} if owner else seen
        return _raised(node.body, inner) | _raised(node.decorator_list, seen)
    raised: Raised = set()
    if _is_api_error(node):
        raised.add(_api_error(node))  # type: ignore[arg-type]
    elif isinstance(node, ast.Name) and node.id in CONSTANTS:
        raised.add(_api_error(CONSTANTS[node.id]))
    elif isinstance(node, ast.Name) and node.id in EXCEPTIONS:
        raised.add(EXCEPTIONS[node.id])
    elif isinstance(node, ast.Call):
        raised |= _called(node.func, seen)
    for child in ast.iter_child_nodes(node):
        raised |= _raised_by(child, seen)
    return raised


def _called(func: ast.expr, seen: set[str]) -> Raised:
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name is None:
        return set()
    if name == "cls":  # the class whose classmethod this is
        name = next((s[4:] for s in seen if s.startswith("cls=")), name)
    if isinstance(func, ast.Attribute):
        use_case = USE_CASES.get((_receiver(func.value) or "", name))
        if use_case is not None:
            return set(use_case)
    if name in seen or name not in HELPERS:
        return set()
    return _raised(HELPERS[name], seen | {name})


def _raised_in_try(node: ast.Try, seen: set[str]) -> Raised:
    raised = _raised(node.body, seen)
    for handler in node.handlers:
        reraises = any(isinstance(n, ast.Raise) and n.exc is None for n in ast.walk(handler))
        caught = tuple(_caught(handler.type))
        if caught and not reraises:
            raised = {r for r in raised if not (isinstance(r, type) and issubclass(r, caught))}
        raised |= _raised(handler.body, seen)
    return raised | _raised(node.orelse, seen) | _raised(node.finalbody, seen)


def _caught(node: ast.expr | None) -> Iterator[type[Exception]]:
    names = node.elts if isinstance(node, ast.Tuple) else [node] if node is not None else []
    for name in names:
        if isinstance(name, ast.Name) and name.id in EXCEPTIONS:
            yield EXCEPTIONS[name.id]


def refusal_of(kind: type[Exception]) -> Refusal | None:
    """The status and code the app's exception handlers answer an error of this kind with."""
    if kind is RateLimited:
        return 429, -1003
    for domain_kind, code in DOMAIN_CODES.items():
        if issubclass(kind, domain_kind):
            return 400, code
    for application_kind, (code, status) in APPLICATION_CODES.items():
        if issubclass(kind, application_kind):
            return status, code
    return None  # a base class named in an except clause, raised by nothing


def refusals(handler: Callable[..., Any], reads_json_body: bool) -> set[Refusal]:
    """Every (status, code) the handler can answer a refusal with."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(handler)))
    found: set[Refusal] = {(400, -1100)} if reads_json_body else set()  # Litestar's validation
    for raised in _raised(tree.body, set()):
        refusal = refusal_of(raised) if isinstance(raised, type) else raised
        if refusal is not None:
            found.add(refusal)
    return found
