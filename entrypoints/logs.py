"""The process's log: one event per line, through structlog — JSON lines when the output is not
a terminal or `BOURSE_LOG_FORMAT=json`, rendered for people on a terminal or with
`BOURSE_LOG_FORMAT=console`. The stdlib loggers of the code and of uvicorn (its access and
error logs) go the same way. Each line carries the role, and within a request its request id
and the account once known (`entrypoints.api.request_ids`); no secret reaches a line."""

import logging
import os
import re
import sys
from typing import Any

import msgspec
import structlog
from opentelemetry import trace
from structlog.types import EventDict, Processor, WrappedLogger

from application.tracing import recording

FORMATS = ("json", "console")
REDACTED = "[redacted]"
# Fields, and parameters within text (a request's query string), that hold a secret.
SECRET_NAME = r"password|secret\w*|signature|\w*token|listenkey|authorization|x-mbx-apikey"
SECRET_FIELD = re.compile(rf"(?i)^({SECRET_NAME})$")
SECRET_PARAMETER = re.compile(rf"(?i)\b({SECRET_NAME})=[^&\s\"']*")
# A listen key in a stream's path (`/ws/<key>`, `/stream?streams=<key>/...`) opens the stream.
LISTEN_KEY = re.compile(r"(?<=[/=])[0-9A-Za-z]{60,64}(?![0-9A-Za-z])")


def configure(role: str, level: str = "info") -> None:
    chosen = os.environ.get("BOURSE_LOG_FORMAT")
    if chosen is not None and chosen not in FORMATS:
        raise SystemExit(f"BOURSE_LOG_FORMAT is {chosen!r}: it must be one of {FORMATS}.")
    as_json = chosen == "json" or (chosen is None and not sys.stderr.isatty())
    stamped: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _with_role(role),
        _with_trace,
        _access_fields,
        _redact,
    ]
    rendered: list[Processor] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if as_json:
        rendered += [
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(serializer=_json),
        ]
    else:
        rendered.append(structlog.dev.ConsoleRenderer())
    handler = logging.StreamHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=stamped, processors=rendered, pass_foreign_args=True
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    structlog.configure(
        processors=[*stamped, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def _with_role(role: str) -> Processor:
    def add_role(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
        event.setdefault("role", role)
        return event

    return add_role


def _with_trace(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """The trace id of the span the line is logged in, when one is recorded."""
    if not recording():
        return event
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event.setdefault("trace_id", f"{context.trace_id:032x}")
    return event


def _access_fields(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """uvicorn's access line as fields: client, method, path and status; and no empty field."""
    record, arguments = event.get("_record"), event.pop("positional_args", ())
    if record is not None and record.name == "uvicorn.access" and len(arguments) == 5:
        client, method, path, _version, status = arguments
        event.update(event="request", client=client, method=method, path=path, status=status)
    for key in [key for key, value in event.items() if value is None]:
        del event[key]
    return event


def _redact(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    for key, value in event.items():
        if key.startswith("_"):
            continue
        if SECRET_FIELD.match(key):
            event[key] = REDACTED
        # Either pattern needs a "=" or a "/" in the text: most fields have neither.
        elif isinstance(value, str) and ("=" in value or "/" in value):
            value = SECRET_PARAMETER.sub(rf"\1={REDACTED}", value)
            event[key] = LISTEN_KEY.sub(REDACTED, value)
    return event


_encoder = msgspec.json.Encoder(enc_hook=repr)


def _json(event: EventDict, **_: Any) -> str:
    """A line's JSON, by msgspec: a value it has no JSON for is written as its repr, as
    structlog's own renderer writes it."""
    return _encoder.encode(event).decode()


def bind(**fields: Any) -> None:
    """Adds fields to every line logged from here on in this request (or task)."""
    structlog.contextvars.bind_contextvars(**fields)
