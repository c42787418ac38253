"""Sign-in for the web front end, which is served from another site: the session cookie must be
SameSite=None so the browser sends it with the front end's cross-site API calls."""
from fastapi import APIRouter, Response

router = APIRouter(tags=["session"])


@router.post("/session", status_code=204)
def start_session(response: Response, session_id: str):
    response.set_cookie("session", session_id, httponly=True, secure=True, samesite="none", max_age=3600)
