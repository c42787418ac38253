"""GET /stats -- aggregate, non-personal counters for the public status page."""
import json
import os

import boto3

STATS_TABLE = os.getenv("STATS_TABLE", "profiles-stats")
STATUS_PAGE_ORIGIN = os.getenv("STATUS_PAGE_ORIGIN", "https://status.example.com")
table = boto3.resource("dynamodb").Table(STATS_TABLE)


def handler(event, context):
    resp = table.get_item(Key={"stat_id": "global"})
    item = resp.get("Item", {})
    body = {
        "total_profiles": int(item.get("total_profiles", 0)),
        "signups_last_7d": int(item.get("signups_last_7d", 0)),
    }
    return {
        "statusCode": 200,
        "headers": {
            "Content-Type": "application/json",
            "Access-Control-Allow-Origin": STATUS_PAGE_ORIGIN,
            "Cache-Control": "public, max-age=60",
        },
        "body": json.dumps(body),
    }
