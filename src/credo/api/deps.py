"""Request dependencies: the store session and the authenticated caller, as Annotated aliases."""

from __future__ import annotations

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
    """A session for the request; routes commit what they acknowledge, the rest rolls back."""
    with request.app.state.factory() as session:
        yield session


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthenticated("an Authorization: Bearer key is required")
    return credentials.credentials


def get_furnisher(
    session: Annotated[Session, Depends(get_session)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Furnisher:
    return furnishers.authenticate(session=session, token=_token(credentials))


def get_subject(
    session: Annotated[Session, Depends(get_session)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Subject:
    return tokens.authenticate(session=session, token=_token(credentials))


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
FurnisherDep = Annotated[Furnisher, Depends(get_furnisher)]
SubjectDep = Annotated[Subject, Depends(get_subject)]
