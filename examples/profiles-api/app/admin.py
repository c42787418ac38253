"""Internal admin console API, mounted under /admin.

Served to the support tooling on the admin.example.com family of hosts.
"""
from boto3.dynamodb.conditions import Key
from fastapi import Depends, FastAPI
from starlette.middleware.cors import CORSMiddleware as Cors

from app.auth import require_session
from app.db import table

admin_app = FastAPI(title="Profiles admin", dependencies=[Depends(require_session)])

admin_app.add_middleware(
    Cors,
    allow_origin_regex=r"https://.*.example.com",
    allow_credentials=True,
    allow_methods=["GET", "POST", "DELETE"],
    allow_headers=["Authorization", "Content-Type"],
)


@admin_app.get("/profiles/by-email/{email}")
def find_by_email(email: str):
    resp = table.query(
        IndexName="email-index",
        KeyConditionExpression=Key("email").eq(email),
    )
    return resp["Items"]


@admin_app.delete("/profiles/{user_id}")
def delete_profile(user_id: str):
    table.delete_item(Key={"user_id": user_id})
    return {"deleted": user_id}
