import logging

from botocore.exceptions import ClientError
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from app.auth import current_subject
from app.db import table

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/profiles", tags=["profiles"])
me_router = APIRouter(tags=["profiles"])


class ProfileIn(BaseModel):
    display_name: str
    email: str
    phone: str | None = None
    bio: str | None = None


class ProfileOut(ProfileIn):
    user_id: str


class PublicProfile(BaseModel):
    user_id: str
    display_name: str


def _internal_error(op: str, e: ClientError) -> HTTPException:
    logger.error("DynamoDB %s failed: %s", op, e.response.get("Error", {}).get("Code"))
    return HTTPException(status_code=500, detail="Internal server error")


def _own_profile(sub: str) -> dict:
    try:
        resp = table.get_item(Key={"user_id": sub})
    except ClientError as e:
        raise _internal_error("get_item", e)
    if "Item" not in resp:
        raise HTTPException(status_code=404, detail="Profile not found")
    return resp["Item"]


@router.get("", response_model=list[PublicProfile])
def list_profiles(sub: str = Depends(current_subject)):
    try:
        resp = table.scan(ProjectionExpression="user_id, display_name", Limit=50)
    except ClientError as e:
        raise _internal_error("scan", e)
    return [PublicProfile(**item) for item in resp.get("Items", [])]


@router.get("/{user_id}", response_model=ProfileOut)
def get_profile(user_id: str, sub: str = Depends(current_subject)):
    if user_id != sub:
        raise HTTPException(status_code=404, detail="Profile not found")
    return _own_profile(sub)


@router.put("/{user_id}", response_model=ProfileOut)
def put_profile(user_id: str, body: ProfileIn, sub: str = Depends(current_subject)):
    if user_id != sub:
        raise HTTPException(status_code=403, detail="Forbidden")
    item = {"user_id": sub, **body.model_dump(exclude_none=True)}
    try:
        table.put_item(Item=item)
    except ClientError as e:
        raise _internal_error("put_item", e)
    return item


@me_router.get("/me", response_model=ProfileOut)
def get_me(sub: str = Depends(current_subject)):
    return _own_profile(sub)
