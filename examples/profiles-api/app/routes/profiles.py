import logging

from botocore.exceptions import ClientError
from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel

from app.auth import require_session
from app.db import table

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/profiles", tags=["profiles"], dependencies=[Depends(require_session)])
me_router = APIRouter(tags=["profiles"])


class ProfileIn(BaseModel):
    display_name: str
    email: str
    phone: str | None = None
    bio: str | None = None


def _dynamo_error(e: ClientError) -> HTTPException:
    return HTTPException(status_code=500, detail=str(e))


@router.get("")
def list_profiles():
    try:
        return table.scan()["Items"]
    except ClientError as e:
        raise _dynamo_error(e)


@router.get("/{user_id}")
def get_profile(user_id: str):
    try:
        resp = table.get_item(Key={"user_id": user_id})
    except ClientError as e:
        raise _dynamo_error(e)
    if "Item" not in resp:
        raise HTTPException(status_code=404, detail="Profile not found")
    return resp["Item"]


@router.put("/{user_id}")
def put_profile(user_id: str, body: ProfileIn):
    item = {"user_id": user_id, **body.model_dump(exclude_none=True)}
    try:
        table.put_item(Item=item)
    except ClientError as e:
        raise HTTPException(status_code=500, detail=str(e))
    return item


@me_router.get("/me")
def get_me(request: Request):
    sub = request.scope["aws.event"]["requestContext"]["authorizer"]["claims"]["sub"]
    try:
        resp = table.get_item(Key={"user_id": sub})
    except ClientError as e:
        logger.exception("get_item failed for %s", sub)
        raise HTTPException(status_code=500, detail=str(e))
    return resp.get("Item", {})
