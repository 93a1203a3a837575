"""Structured logs: one JSON object a line, each tagged with the request it was written in.

A request's id comes from a well-formed X-Request-ID header (so that the load balancer's id
follows the request into these logs) or is made here; it goes back in the response's header.
Records carry the method, path, user id and request id, and never headers, cookies, the query
string or form data, where passwords, session ids and visitors' addresses live.
"""

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

current_request = ContextVar("current_request", default=None)
logger = logging.getLogger("iomsite.request")


def user_id(request, look_up=False):
    """The signed-in user's id, or None. Only errors (look_up=True) may query for it: a log
    line must never be what fails or slows a request, and the database may be down."""
    user = getattr(request, "user", None)
    if getattr(user, "_wrapped", None) is empty:
        if not look_up:
            return None
        try:
            return user.pk
        except Exception:  # noqa: BLE001 - an error report must not raise a second error
            return None
    return getattr(user, "pk", None)


def tag(request):
    """Give the request its id: the load balancer's if well formed, else a new one."""
    supplied = request.headers.get(REQUEST_ID_HEADER, "")
    is_well_formed = WELL_FORMED_REQUEST_ID.fullmatch(supplied)
    request.id = supplied if is_well_formed else uuid.uuid4().hex


def log_answer(request, status, started):
    """Write the request's one log line."""
    logger.info(
        "%s %s %s",
        request.method,
        request.path,
        status,
        extra={
            "request": request,  # for RequestContextFilter, outside the middleware too
            "status": status,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
        },
    )


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tag(request)
        token = current_request.set(request)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.id
            log_answer(request, response.status_code, started)
            return response
        finally:
            current_request.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds the current request's id, method, path and user id to every record."""

    def filter(self, record):
        # Django logs 4xx answers after the middleware is done: that record carries the request.
        request = current_request.get() or getattr(record, "request", None)
        record.request_id = getattr(request, "id", "-")
        record.method = getattr(request, "method", None)
        record.path = getattr(request, "path", None)
        record.user_id = (
            user_id(request, look_up=record.levelno >= logging.ERROR) if request else None
        )
        return True


class JsonFormatter(logging.Formatter):
    FIELDS = ("request_id", "method", "path", "user_id", "status", "duration_ms")

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in self.FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
