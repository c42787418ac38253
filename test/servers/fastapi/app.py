"""A FastAPI service over DynamoDB (dynalite) whose CORS configuration is chosen by environment variables.

Environment:
  CORS_MODE        one of MODES below (default "allowlist")
  CORS_FIXED       "1" selects the safe twin of the mode
  DYNAMO_ENDPOINT  DynamoDB-compatible endpoint (default http://127.0.0.1:4567)
  REQUIRE_SESSION  "1": /profiles/{user_id} answers 401 without a session (cookie modes) or bearer token
  SEED_ON_STARTUP  "0" skips seeding the tables at startup (default: seed, idempotent)
  EXIT_WITH_PARENT a pid: the process exits as soon as its parent is no longer that pid (no orphans)

Run with Debian's interpreter: `CORS_MODE=wildcard-credentials /usr/bin/python3 -m uvicorn app:app --host 127.0.0.1 --port 8000`.

Cookie-authenticated modes (allow_credentials=True, session cookie `session` set by GET /login with
SameSite=None; Secure; HttpOnly): wildcard-credentials, allowlist, regex-unescaped-dot,
regex-shared-hosting, null, string-origins, echo-middleware. The other modes (wildcard, debug-traceback,
pii-whole-item) authenticate with a bearer token that GET /login returns in its body, and set no cookie.
"""

import os
import threading
import time
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request, Response, Path
from fastapi.middleware.cors import CORSMiddleware
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

import seed as seeding

MODES = (
    "wildcard-credentials",
    "wildcard",
    "allowlist",
    "regex-unescaped-dot",
    "regex-shared-hosting",
    "null",
    "string-origins",
    "echo-middleware",
    "debug-traceback",
    "pii-whole-item",
)
COOKIE_MODES = {
    "wildcard-credentials",
    "allowlist",
    "regex-unescaped-dot",
    "regex-shared-hosting",
    "null",
    "string-origins",
    "echo-middleware",
}

MODE = os.environ.get("CORS_MODE", "allowlist")
FIXED = os.environ.get("CORS_FIXED", "0") == "1"
if MODE not in MODES:
    raise SystemExit(f"unknown CORS_MODE {MODE!r}; expected one of: {', '.join(MODES)}")
ENDPOINT = os.environ.get("DYNAMO_ENDPOINT", "http://127.0.0.1:4567")
REQUIRE_SESSION = os.environ.get("REQUIRE_SESSION") == "1"
COOKIE_AUTH = MODE in COOKIE_MODES

FRONTEND = "https://app.example.com"
SHARED_HOSTING_FRONTEND = "https://myapp.vercel.app"

DATA = seeding.load_data()
SESSIONS = DATA["sessions"]
BEARER_TOKENS = DATA["bearer_tokens"]

app = FastAPI(
    title=f"profiles-api ({MODE}{', fixed' if FIXED else ''})",
    debug=MODE == "debug-traceback" and not FIXED,
)

CORS_DEFAULTS = {"allow_methods": ["*"], "allow_headers": ["*"]}

if MODE == "wildcard-credentials":
    if FIXED:
        app.add_middleware(CORSMiddleware, allow_origins=[FRONTEND], allow_credentials=True, **CORS_DEFAULTS)
    else:
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, **CORS_DEFAULTS)
elif MODE == "wildcard":
    if FIXED:
        app.add_middleware(CORSMiddleware, allow_origins=[FRONTEND], **CORS_DEFAULTS)
    else:
        app.add_middleware(CORSMiddleware, allow_origins=["*"], **CORS_DEFAULTS)
elif MODE == "allowlist":
    app.add_middleware(CORSMiddleware, allow_origins=[FRONTEND], allow_credentials=True, **CORS_DEFAULTS)
elif MODE == "regex-unescaped-dot":
    if FIXED:
        app.add_middleware(
            CORSMiddleware, allow_origin_regex=r"^https://app\.example\.com$", allow_credentials=True, **CORS_DEFAULTS
        )
    else:
        app.add_middleware(
            CORSMiddleware, allow_origin_regex=r"https://app.example.com", allow_credentials=True, **CORS_DEFAULTS
        )
elif MODE == "regex-shared-hosting":
    if FIXED:
        app.add_middleware(
            CORSMiddleware, allow_origins=[SHARED_HOSTING_FRONTEND], allow_credentials=True, **CORS_DEFAULTS
        )
    else:
        app.add_middleware(
            CORSMiddleware, allow_origin_regex=r"https://.*\.vercel\.app", allow_credentials=True, **CORS_DEFAULTS
        )
elif MODE == "null":
    if FIXED:
        app.add_middleware(CORSMiddleware, allow_origins=[FRONTEND], allow_credentials=True, **CORS_DEFAULTS)
    else:
        app.add_middleware(
            CORSMiddleware, allow_origins=["null", FRONTEND], allow_credentials=True, **CORS_DEFAULTS
        )
elif MODE == "string-origins":
    if FIXED:
        app.add_middleware(CORSMiddleware, allow_origins=[FRONTEND], allow_credentials=True, **CORS_DEFAULTS)
    else:
        # A str, not a list: Starlette's `origin in self.allow_origins` becomes a substring test.
        app.add_middleware(CORSMiddleware, allow_origins=FRONTEND, allow_credentials=True, **CORS_DEFAULTS)
elif MODE == "echo-middleware":
    ECHO_ALLOWED = {FRONTEND}

    @app.middleware("http")
    async def echo_cors(request: Request, call_next):
        origin = request.headers.get("origin")
        preflight = request.method == "OPTIONS" and "access-control-request-method" in request.headers
        response = Response(status_code=204) if preflight else await call_next(request)
        if origin is not None and (not FIXED or origin in ECHO_ALLOWED):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            if preflight:
                response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
                requested = request.headers.get("access-control-request-headers")
                if requested:
                    response.headers["Access-Control-Allow-Headers"] = requested
        if FIXED:
            response.headers["Vary"] = "Origin"
        return response

else:  # debug-traceback, pii-whole-item: the safe allowlist, bearer authentication
    app.add_middleware(CORSMiddleware, allow_origins=[FRONTEND], **CORS_DEFAULTS)


_local = threading.local()


def table(name: str):
    """boto3 resources are not thread-safe; sync routes run in a thread pool, so one resource per thread."""
    db = getattr(_local, "db", None)
    if db is None:
        db = _local.db = seeding.resource(ENDPOINT)
    return db.Table(name)


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


@app.on_event("startup")
def startup() -> None:
    parent = os.environ.get("EXIT_WITH_PARENT")
    if parent:
        threading.Thread(target=_exit_with_parent, args=(int(parent),), daemon=True).start()
    if os.environ.get("SEED_ON_STARTUP", "1") != "0":
        seeding.seed(ENDPOINT)


session_cookie = APIKeyCookie(name="session", auto_error=False)
bearer = HTTPBearer(auto_error=False)


def bearer_user(credentials: Optional[HTTPAuthorizationCredentials] = Depends(bearer)) -> Optional[str]:
    if credentials is None:
        return None
    return BEARER_TOKENS.get(credentials.credentials)


if COOKIE_AUTH:

    def current_user(session: Optional[str] = Depends(session_cookie)) -> Optional[str]:
        return SESSIONS.get(session) if session else None

else:
    current_user = bearer_user


def not_authenticated() -> HTTPException:
    return HTTPException(status_code=401, detail="Not authenticated", headers={"WWW-Authenticate": "Bearer"})


class PublicProfile(BaseModel):
    id: str
    display_name: str


@app.get("/health")
def health():
    return {"status": "ok", "mode": MODE, "fixed": FIXED, "pid": os.getpid()}


@app.get("/login")
def login(response: Response, user_id: str = "u1"):
    if COOKIE_AUTH:
        token = next((t for t, u in SESSIONS.items() if u == user_id), None)
        if token is None:
            raise HTTPException(status_code=404, detail="Unknown user")
        response.set_cookie("session", token, path="/", httponly=True, secure=True, samesite="none")
        return {"ok": True, "user_id": user_id}
    token = next((t for t, u in BEARER_TOKENS.items() if u == user_id), None)
    if token is None:
        raise HTTPException(status_code=404, detail="Unknown user")
    return {"access_token": token, "token_type": "bearer"}


@app.get("/me")
def me(user: Optional[str] = Depends(current_user)):
    if user is None:
        raise not_authenticated()
    return table("profiles").get_item(Key={"id": user}).get("Item")


@app.get("/private")
def private(user: Optional[str] = Depends(bearer_user)):
    if user is None:
        raise not_authenticated()
    return {"user_id": user, "note": "bearer-only resource"}


def read_profile(user_id: str, user: Optional[str]):
    if REQUIRE_SESSION and user is None:
        raise not_authenticated()
    item = table("profiles").get_item(Key={"id": user_id}).get("Item")
    if not item:
        raise HTTPException(status_code=404, detail="Profile not found")
    return item


if MODE == "pii-whole-item" and FIXED:

    @app.get("/profiles/{user_id}", response_model=PublicProfile)
    def get_profile(user_id: str = Path(..., example="u1"), user: Optional[str] = Depends(current_user)):
        return read_profile(user_id, user)

else:

    @app.get("/profiles/{user_id}")
    def get_profile(user_id: str = Path(..., example="u1"), user: Optional[str] = Depends(current_user)):
        return read_profile(user_id, user)


@app.get("/items")
def list_items():
    items = table("items").scan()["Items"]
    return sorted(items, key=lambda i: i["id"])


@app.get("/orders/{order_id}")
def get_order(order_id: str):
    # The `orders` table is never created: the read raises botocore's ResourceNotFoundException
    # (a ClientError), which is not handled, so the server answers 500 (a traceback when debug=True).
    return table("orders").get_item(Key={"id": order_id}).get("Item")


# EXTRA_ROUTES=N adds N small GET routes (benchmarks: a 100-route app discovered through /openapi.json)
def _extra_route(i: int):
    def handler():
        return {"route": i}

    handler.__name__ = f"extra_{i}"
    return handler


for _i in range(int(os.environ.get("EXTRA_ROUTES", "0"))):
    app.get(f"/extra/{_i}")(_extra_route(_i))
