"""GET /export/{user_id} -- download a profile as JSON.

Wired directly to API Gateway (Lambda proxy integration) rather than through
the FastAPI app so the download works from the marketing site as well.
"""
import json
import os

import boto3
from botocore.exceptions import ClientError

TABLE_NAME = os.getenv("TABLE_NAME", "profiles")
table = boto3.resource("dynamodb").Table(TABLE_NAME)


def handler(event, context):
    origin = event.get("headers", {}).get("origin")
    user_id = event["pathParameters"]["user_id"]

    headers = {
        "Content-Type": "application/json",
        "Content-Disposition": f'attachment; filename="{user_id}.json"',
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
    }

    try:
        resp = table.get_item(Key={"user_id": user_id})
    except ClientError as e:
        return {"statusCode": 500, "headers": headers, "body": json.dumps({"error": str(e)})}

    item = resp.get("Item")
    if item is None:
        return {"statusCode": 404, "headers": headers, "body": json.dumps({"error": "not found"})}

    return {
        "statusCode": 200,
        "headers": headers,
        "body": json.dumps(item, default=str),
    }
