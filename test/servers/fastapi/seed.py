"""Seeds a DynamoDB-compatible endpoint (dynalite) with the `profiles` and `items` tables from data.json.

Idempotent and safe to run from several processes at once: a table that already exists is kept,
items are overwritten with the same values. Run standalone with
`DYNAMO_ENDPOINT=http://127.0.0.1:4567 /usr/bin/python3 seed.py`.
"""

import json
import os
import time
from decimal import Decimal
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

DATA_FILE = Path(__file__).with_name("data.json")
TABLES = ("profiles", "items")


def load_data() -> dict:
    with DATA_FILE.open(encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)


def client(endpoint: str):
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="fake",
        aws_secret_access_key="fake",
        config=Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=2, read_timeout=5),
    )


def resource(endpoint: str):
    return boto3.resource(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="fake",
        aws_secret_access_key="fake",
        config=Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=2, read_timeout=5),
    )


def _ensure_table(ddb, name: str, exists: bool) -> None:
    if not exists:
        try:
            ddb.create_table(
                TableName=name,
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        except ClientError as e:
            if e.response["Error"]["Code"] != "ResourceInUseException":
                raise
    deadline = time.monotonic() + 10
    while ddb.describe_table(TableName=name)["Table"]["TableStatus"] != "ACTIVE":
        if time.monotonic() > deadline:
            raise RuntimeError(f"table {name} did not become ACTIVE")
        time.sleep(0.02)


def seed(endpoint: str) -> None:
    ddb = client(endpoint)
    existing = set(ddb.list_tables()["TableNames"])
    for name in TABLES:
        _ensure_table(ddb, name, name in existing)
    data = load_data()
    db = resource(endpoint)
    for name in TABLES:
        with db.Table(name).batch_writer(overwrite_by_pkeys=["id"]) as batch:
            for item in data[name]:
                batch.put_item(Item=item)


if __name__ == "__main__":
    target = os.environ.get("DYNAMO_ENDPOINT", "http://127.0.0.1:4567")
    seed(target)
    print("seeded", target)
