"""Request dependencies: the authenticated caller, as Annotated aliases.

The request's unit of work (``get_session``, ``SessionDep``) and ``SettingsDep`` are shared
with the web pages and defined in ``credo.web.deps`` (web sits below api in the layers);
they are imported here so that routers find every dependency in one place.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from credo.config import Settings
from credo.errors import Unauthenticated
from credo.furnishers import service as furnishers
from credo.furnishers.models import Furnisher
from credo.subjects import tokens
from credo.subjects.models import Subject
from credo.web.deps import SessionDep as SessionDep
from credo.web.deps import SettingsDep as SettingsDep
from credo.web.deps import get_app_settings as get_app_settings
from credo.web.deps import get_session as get_session

bearer = HTTPBearer(auto_error=False, description="API key or subject token")


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthenticated("an Authorization: Bearer key is required")
    return credentials.credentials


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


FurnisherDep = Annotated[Furnisher, Depends(get_furnisher)]
SubjectDep = Annotated[Subject, Depends(get_subject)]
OperatorDep = Annotated[str, Depends(require_operator)]
