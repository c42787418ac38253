"""POST /signup -- create a profile (API Gateway Lambda proxy integration).

Logs only the request id, keeps no copy of the request, and stores a bcrypt hash of the password.
"""
import json
import logging
import os
import uuid

import bcrypt
import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)

table = boto3.resource("dynamodb").Table(os.getenv("TABLE_NAME", "profiles"))


def handler(event, context):
    logger.info("signup request %s", context.aws_request_id)
    body = json.loads(event["body"])
    user_id = str(uuid.uuid4())
    password_hash = bcrypt.hashpw(body["password"].encode(), bcrypt.gensalt()).decode()
    table.put_item(
        Item={
            "user_id": user_id,
            "email": body["email"],
            "phone": body.get("phone"),
            "password_hash": password_hash,
        }
    )
    return {"statusCode": 201, "body": json.dumps({"user_id": user_id})}
