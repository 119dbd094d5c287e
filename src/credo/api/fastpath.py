"""The check endpoints' fast path (``FastChecks``): ``POST /v1/checks/*`` answered by the
same functions as the routes (``api/routers/access``), without FastAPI's routing,
dependency solving and response validation."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ValidationError

from credo.access import driver
from credo.access.schemas import EligibilityIn, RestrictionIn
from credo.api.routers import access

# The check endpoints' fast path: the same functions, reached without FastAPI's routing,
# dependency solving and response validation (about half of a check's CPU through the
# framework). Anything it does not take exactly as FastAPI would goes to the route.
_FAST: dict[str, tuple[type[BaseModel], Callable[[Any, str | None, Any], Awaitable[BaseModel]]]]
_FAST = {
    "/v1/checks/eligibility": (EligibilityIn, access.answer_eligibility),
    "/v1/checks/restriction": (RestrictionIn, access.answer_restriction),
}
_JSON_HEADERS = [(b"content-type", b"application/json")]


class FastChecks:
    """ASGI middleware answering ``POST /v1/checks/*`` directly.

    It takes a request only when FastAPI would parse it the same way: a JSON
    ``Content-Type`` and a body the endpoint's model validates. The bearer token is read as
    FastAPI's ``HTTPBearer`` reads it, the check runs through the same ``answer_eligibility`` /
    ``answer_restriction`` as the routes, errors are answered by the app's own exception handlers,
    and the answer is the response model's JSON (the bytes FastAPI sends). Anything else
    (no or another content type, a body that does not validate) is replayed to the route,
    which answers it as before. It sits inside the body-size and strict-JSON guard.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, _closing(receive), send)
            return
        route = None
        if scope["type"] == "http" and scope["method"] == "POST" and not scope.get("root_path"):
            route = _FAST.get(scope["path"])
        if route is None:
            await self.app(scope, receive, send)
            return
        authorization = content_type = None
        for name, value in scope["headers"]:
            if name == b"authorization" and authorization is None:
                authorization = value
            elif name == b"content-type" and content_type is None:
                content_type = value
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            message: dict[str, Any] = await receive()
            return message

        model, answer = route
        try:
            if content_type is None or not body:
                raise ValueError("not for the fast path")
            if content_type.partition(b";")[0].strip().lower() != b"application/json":
                raise ValueError("not for the fast path")
            parsed = model.model_validate_json(body)
        except (ValueError, ValidationError):
            await self.app(scope, replay, send)
            return
        try:
            out = await answer(scope["app"].state, _token(authorization), parsed)
        except Exception as exc:
            handler = _handler(scope["app"], exc)
            if handler is None:
                raise
            request = Request(scope, replay)
            response = handler(request, exc)
            if inspect.isawaitable(response):  # credo's handlers are async (api/errors.py)
                response = await response
            await response(scope, replay, send)
            return
        data = type(out).__pydantic_serializer__.to_json(out)
        headers = [(b"content-length", str(len(data)).encode()), *_JSON_HEADERS]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": data})


def _closing(receive: Any) -> Any:
    """``receive`` of the lifespan: at shutdown, first close the loop's asynchronous store
    connections the checks read and log on (``hotpath.AsyncReaders``,
    ``inquirylog.LoopGroupCommit``)."""

    async def closing() -> Any:
        message = await receive()
        if message["type"] == "lifespan.shutdown":
            await driver.close_loop()
        return message

    return closing


def _token(authorization: bytes | None) -> str | None:
    """The token of an ``Authorization: Bearer`` header, as FastAPI's ``HTTPBearer`` reads it."""
    if not authorization:
        return None
    scheme, _, param = authorization.decode("latin-1").partition(" ")
    param = param.strip()
    if not scheme or not param or scheme.lower() != "bearer":
        return None
    return param


def _handler(app: Any, exc: Exception) -> Any:
    """The app's exception handler for ``exc`` (by class, most specific first), or None."""
    handlers = app.exception_handlers
    for cls in type(exc).__mro__:
        if cls in handlers:
            return handlers[cls]
    return None


def install(app: Any) -> None:
    """Put the check endpoints' fast path in front of the router (see :class:`FastChecks`)."""
    app.add_middleware(FastChecks)
