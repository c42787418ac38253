import boto3
from fastapi import APIRouter, Depends, HTTPException

from app.db import dynamodb
from app.keys import order_key
from app.tokens import get_current_user

router = APIRouter(prefix="/orders")
public = APIRouter(prefix="/public")
orders = dynamodb.Table("orders")


@router.get("/{order_id}")
def get_order(order_id: str, user: dict = Depends(get_current_user)):
    item = orders.get_item(Key=order_key(order_id)).get("Item")
    if item is None:
        raise HTTPException(status_code=404, detail="Not found")
    return item


@router.get("/tenants/{tenant}/recent")
def tenant_orders(tenant: str, user: dict = Depends(get_current_user)):
    tenant_table = dynamodb.Table(f"{tenant}-orders")
    resp = tenant_table.query(
        IndexName="customer-index",
        KeyConditionExpression="customer_id = :c",
        ExpressionAttributeValues={":c": user["sub"]},
    )
    return resp["Items"]


@public.get("/users/{user_id}/orders")
def public_user_orders(user_id: str):
    resp = orders.query(
        IndexName="customer-index",
        KeyConditionExpression="customer_id = :c",
        ExpressionAttributeValues={":c": user_id},
    )
    return resp["Items"]
