"""Request dependencies: the store session and the authenticated caller, as Annotated aliases."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from credo.config import Settings
from credo.errors import Unauthenticated
from credo.furnishers import service as furnishers
from credo.furnishers.models import Furnisher
from credo.subjects import tokens
from credo.subjects.models import Subject

bearer = HTTPBearer(auto_error=False, description="API key or subject token")


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: one commit after the handler succeeds, a rollback on error.

    Used with ``scope="function"`` (see ``SessionDep``), FastAPI runs the code after
    ``yield`` when the handler returns and before the response is sent, so a write the
    client sees acknowledged is already committed (and fsynced on SQLite); a failing commit
    becomes an error response instead of a lost write. Routers and pages never commit.
    """
    with request.app.state.factory() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthenticated("an Authorization: Bearer key is required")
    return credentials.credentials


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_furnisher(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Furnisher:
    return furnishers.authenticate(session=session, token=_token(credentials))


def get_subject(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Subject:
    return tokens.authenticate(session=session, token=_token(credentials))


def require_operator(
    settings: Annotated[Settings, Depends(get_app_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The operator, proven by the configured operator key (constant-time comparison)."""
    token = _token(credentials)
    expected = settings.operator_key.get_secret_value() if settings.operator_key else ""
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Unauthenticated("the operator key is missing or wrong")
    return "operator"


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
FurnisherDep = Annotated[Furnisher, Depends(get_furnisher)]
SubjectDep = Annotated[Subject, Depends(get_subject)]
OperatorDep = Annotated[str, Depends(require_operator)]
