"""Key builders shared by the routes (single-table design: pk/sk)."""


def order_key(order_id: str) -> dict:
    return {"pk": f"ORDER#{order_id}", "sk": "META"}
