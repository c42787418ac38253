"""GET /export -- download the caller's own profile as JSON.

Wired directly to API Gateway (Lambda proxy integration, Cognito authorizer).
The profile key comes from the verified token, never from the request path.
"""
import json
import logging
import os

import boto3
from botocore.exceptions import ClientError

from app.settings import ALLOWED_ORIGINS

logger = logging.getLogger(__name__)

TABLE_NAME = os.getenv("TABLE_NAME", "profiles")
table = boto3.resource("dynamodb").Table(TABLE_NAME)


def _cors_headers(event) -> dict:
    origin = (event.get("headers") or {}).get("origin")
    headers = {"Vary": "Origin"}
    if origin in ALLOWED_ORIGINS:
        headers["Access-Control-Allow-Origin"] = origin
        headers["Access-Control-Allow-Credentials"] = "true"
    return headers


def handler(event, context):
    headers = {"Content-Type": "application/json", **_cors_headers(event)}
    user_id = event["requestContext"]["authorizer"]["claims"]["sub"]

    try:
        resp = table.get_item(Key={"user_id": user_id})
    except ClientError:
        logger.exception("export get_item failed")
        return {"statusCode": 500, "headers": headers, "body": json.dumps({"error": "internal error"})}

    item = resp.get("Item")
    if item is None:
        return {"statusCode": 404, "headers": headers, "body": json.dumps({"error": "not found"})}

    headers["Content-Disposition"] = 'attachment; filename="profile.json"'
    return {"statusCode": 200, "headers": headers, "body": json.dumps(item, default=str)}
