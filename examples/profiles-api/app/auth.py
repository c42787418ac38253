"""Session handling shared by the routers.

The web frontend keeps a session cookie; API Gateway's Cognito authorizer
covers the bearer-token clients.
"""
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyCookie

session_cookie = APIKeyCookie(name="session", auto_error=False)


def cognito_claims(request: Request) -> dict:
    event = request.scope.get("aws.event", {})
    return event.get("requestContext", {}).get("authorizer", {}).get("claims", {})


async def require_session(
    request: Request, session: str | None = Depends(session_cookie)
) -> str:
    claims = cognito_claims(request)
    if session is None and not claims:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not authenticated")
    request.state.session = session
    return session or claims.get("sub", "")
