"""Session handling shared by the routers.

The web frontend keeps a session cookie; API Gateway's Cognito authorizer
validates the token before the request reaches Lambda. The authorizer's
`sub` claim is the only identity the routes trust.
"""
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyCookie

session_cookie = APIKeyCookie(name="session", auto_error=False)

ADMIN_GROUP = "profile-admins"


def cognito_claims(request: Request) -> dict:
    event = request.scope.get("aws.event", {})
    return event.get("requestContext", {}).get("authorizer", {}).get("claims", {})


async def current_subject(
    request: Request, session: str | None = Depends(session_cookie)
) -> str:
    sub = cognito_claims(request).get("sub")
    if not sub:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not authenticated")
    request.state.session = session
    return sub


async def require_admin(request: Request, sub: str = Depends(current_subject)) -> str:
    groups = cognito_claims(request).get("cognito:groups", "")
    if ADMIN_GROUP not in groups.split(","):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Forbidden")
    return sub
