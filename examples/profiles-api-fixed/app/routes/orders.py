from boto3.dynamodb.conditions import Key
from fastapi import APIRouter, Depends, HTTPException

from app.db import dynamodb
from app.keys import order_key
from app.tokens import get_current_user

router = APIRouter(prefix="/orders")
public = APIRouter(prefix="/public", dependencies=[Depends(get_current_user)])
orders = dynamodb.Table("orders")
TENANT_TABLES = {"acme": dynamodb.Table("acme-orders"), "globex": dynamodb.Table("globex-orders")}


@router.get("/{order_id}")
def get_order(order_id: str, user: dict = Depends(get_current_user)):
    item = orders.get_item(Key=order_key(order_id)).get("Item")
    # 404, not 403: do not confirm that someone else's order exists
    if item is None or item.get("customer_id") != user["sub"]:
        raise HTTPException(status_code=404, detail="Not found")
    return item


@router.get("/tenants/{tenant}/recent")
def tenant_orders(tenant: str, user: dict = Depends(get_current_user)):
    if tenant not in TENANT_TABLES:
        raise HTTPException(status_code=404, detail="Not found")
    resp = TENANT_TABLES[tenant].query(
        IndexName="customer-index",
        KeyConditionExpression=Key("customer_id").eq(user["sub"]),
    )
    return resp["Items"]


@public.get("/me/orders")
def my_orders(user: dict = Depends(get_current_user)):
    resp = orders.query(IndexName="customer-index", KeyConditionExpression=Key("customer_id").eq(user["sub"]))
    return resp["Items"]
