"""Bearer-token identity for the orders API: Cognito ID tokens, verified against the user pool's keys."""
import os

import jwt
from fastapi import Depends
from fastapi.security import HTTPBearer, HTTPAuthorizationCredentials

bearer = HTTPBearer()
USER_POOL_ISSUER = os.environ.get("USER_POOL_ISSUER", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_EXAMPLE")
APP_CLIENT_ID = os.environ.get("APP_CLIENT_ID", "example-client-id")
jwks = jwt.PyJWKClient(f"{USER_POOL_ISSUER}/.well-known/jwks.json")


def get_current_user(creds: HTTPAuthorizationCredentials = Depends(bearer)) -> dict:
    key = jwks.get_signing_key_from_jwt(creds.credentials).key
    return jwt.decode(creds.credentials, key, algorithms=["RS256"], audience=APP_CLIENT_ID, issuer=USER_POOL_ISSUER)
