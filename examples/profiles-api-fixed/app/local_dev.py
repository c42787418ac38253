"""Run the API locally against DynamoDB Local.

Point PROFILES_DYNAMODB_ENDPOINT at the DynamoDB Local container and, if the
frontend dev server needs CORS, put its origin in PROFILES_CORS_ORIGINS in
your untracked .env file. Dev origins are never committed to settings.

    python -m app.local_dev
"""
import uvicorn

from app.main import app
from app.settings import settings

if __name__ == "__main__":
    if not settings.dynamodb_endpoint:
        raise SystemExit("PROFILES_DYNAMODB_ENDPOINT is not set")
    uvicorn.run(app, host="127.0.0.1", port=8080)
