/**
 * Deterministic benchmark corpus generator.
 *
 * Writes realistic FastAPI + boto3 (DynamoDB) service modules so the scanner
 * can be benchmarked on a large, stable input. Output is fully determined by a
 * seeded LCG, so every run produces byte-identical files.
 *
 * Usage:
 *   npx tsx bench/gen-corpus.ts OUTDIR [NFILES=2000] [BYTES_PER_FILE=12500]
 *
 * Layout: OUTDIR/svc_<floor(i/100)>/app_<i>.py
 */
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SEED = 42;

/** 32-bit linear congruential generator (Numerical Recipes constants). */
class Lcg {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state;
  }

  /** Integer in [0, n). Uses the high bits, which are the well-mixed ones. */
  int(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n);
  }

  /** Integer in [lo, hi], inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return at(items, this.int(items.length));
  }

  /** Fisher-Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = at(out, i);
      out[i] = at(out, j);
      out[j] = tmp;
    }
    return out;
  }
}

function at<T>(items: readonly T[], i: number): T {
  const v = items[i];
  if (v === undefined) throw new RangeError(`index ${i} out of range (${items.length})`);
  return v;
}

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

interface Noun {
  plural: string;
  singular: string;
}

const NOUNS: readonly Noun[] = [
  { plural: "orders", singular: "order" },
  { plural: "invoices", singular: "invoice" },
  { plural: "profiles", singular: "profile" },
  { plural: "carts", singular: "cart" },
  { plural: "payments", singular: "payment" },
  { plural: "shipments", singular: "shipment" },
  { plural: "products", singular: "product" },
  { plural: "reviews", singular: "review" },
  { plural: "subscriptions", singular: "subscription" },
  { plural: "tickets", singular: "ticket" },
  { plural: "sessions", singular: "session" },
  { plural: "devices", singular: "device" },
  { plural: "accounts", singular: "account" },
  { plural: "notifications", singular: "notification" },
  { plural: "coupons", singular: "coupon" },
  { plural: "addresses", singular: "address" },
  { plural: "inventories", singular: "inventory" },
  { plural: "categories", singular: "category" },
  { plural: "refunds", singular: "refund" },
  { plural: "webhooks", singular: "webhook" },
  { plural: "reports", singular: "report" },
  { plural: "tenants", singular: "tenant" },
  { plural: "projects", singular: "project" },
  { plural: "tasks", singular: "task" },
  { plural: "comments", singular: "comment" },
  { plural: "messages", singular: "message" },
  { plural: "documents", singular: "document" },
  { plural: "vouchers", singular: "voucher" },
];

interface Field {
  name: string;
  type: string;
}

const FIELDS: readonly Field[] = [
  { name: "name", type: "str" },
  { name: "email", type: "str" },
  { name: "status", type: "str" },
  { name: "owner_id", type: "str" },
  { name: "created_at", type: "str" },
  { name: "updated_at", type: "str | None = None" },
  { name: "currency", type: 'str = "USD"' },
  { name: "amount", type: "float" },
  { name: "total", type: "float = 0.0" },
  { name: "quantity", type: "int" },
  { name: "priority", type: "int = 0" },
  { name: "version", type: "int = 1" },
  { name: "is_active", type: "bool = True" },
  { name: "archived", type: "bool = False" },
  { name: "tags", type: "list[str] = []" },
  { name: "metadata", type: "dict = {}" },
  { name: "notes", type: "str | None = None" },
  { name: "region", type: "str" },
  { name: "sku", type: "str" },
  { name: "description", type: "str | None = None" },
];

const FILTER_ATTRS: readonly string[] = ["status", "owner_id", "region", "archived", "currency", "is_active"];

const TEAMS: readonly string[] = [
  "Billing", "Checkout", "Identity", "Catalog", "Fulfillment", "Support",
  "Messaging", "Analytics", "Platform", "Growth", "Ledger", "Partner",
];

const EXPLICIT_ORIGINS: readonly string[][] = [
  ["https://app.example.com", "https://admin.example.com"],
  ["https://example.com", "https://www.example.com"],
  ["https://dashboard.example.com"],
  ["http://localhost:3000", "https://staging.example.com", "https://app.example.com"],
];

const GENERIC_ERRORS: readonly string[] = [
  "internal server error",
  "storage backend unavailable",
  "unexpected error, please retry",
  "could not complete request",
];

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function camel(s: string): string {
  return s
    .split("_")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
}

function pyList(items: readonly string[]): string {
  return "[" + items.map((s) => JSON.stringify(s)).join(", ") + "]";
}

// ---------------------------------------------------------------------------
// Header (imports, constants, app, CORS)
// ---------------------------------------------------------------------------

interface FileCtx {
  idx: number;
  routeVar: string; // "app" or "router"
  usesRouter: boolean;
  hasRequestId: boolean;
  corsOriginsExpr: string; // for the optional Lambda handler
}

function originsExpr(rng: Lcg, constant: string | null): string {
  const roll = rng.int(100);
  if (roll < 30) return '["*"]';
  if (roll < 50) return pyList(rng.pick(EXPLICIT_ORIGINS));
  if (roll < 70 && constant !== null) return constant;
  if (roll < 85) return 'os.getenv("CORS_ORIGINS", "*").split(",")';
  return rng.chance(0.5) ? '"*"' : '"https://app.example.com"';
}

function corsKwargs(rng: Lcg, origins: string, indent: string): string[] {
  const out: string[] = [];
  out.push(`${indent}allow_origins=${origins},`);
  out.push(`${indent}allow_credentials=${rng.chance(0.55) ? "True" : "False"},`);
  if (rng.chance(0.2)) out.push(`${indent}allow_origin_regex=r"https://.*\\.example\\.com",`);
  out.push(`${indent}allow_methods=${rng.chance(0.8) ? '["*"]' : '["GET", "POST", "DELETE"]'},`);
  out.push(`${indent}allow_headers=["*"],`);
  if (rng.chance(0.15)) out.push(`${indent}max_age=${rng.pick([600, 3600, 86400])},`);
  return out;
}

function header(rng: Lcg, idx: number, team: string): { lines: string[]; ctx: FileCtx } {
  const lines: string[] = [];
  const aliasCors = rng.chance(0.2);
  const corsName = aliasCors ? "Cors" : "CORSMiddleware";
  const middlewareForm = rng.chance(0.15);
  const usesRouter = rng.chance(0.35);
  const hasRequestId = rng.chance(0.4);

  lines.push(`"""${team} service API (module ${idx}).`);
  lines.push("");
  lines.push(`Exposes CRUD endpoints backed by DynamoDB tables.`);
  lines.push(`"""`);
  lines.push("import os");
  lines.push("import json");
  lines.push("import logging");
  if (rng.chance(0.3)) lines.push("import time");
  lines.push("from decimal import Decimal");
  lines.push("");
  lines.push("import boto3");
  lines.push("from boto3.dynamodb.conditions import Key, Attr");
  lines.push("from botocore.exceptions import ClientError");
  lines.push("from fastapi import FastAPI, APIRouter, Depends, HTTPException, Request");
  if (aliasCors) {
    lines.push("from starlette.middleware.cors import CORSMiddleware as Cors");
  } else {
    lines.push("from fastapi.middleware.cors import CORSMiddleware");
  }
  if (middlewareForm) lines.push("from starlette.middleware import Middleware");
  lines.push("from pydantic import BaseModel");
  lines.push("");

  lines.push("logger = logging.getLogger(__name__)");
  if (rng.chance(0.3)) {
    lines.push(`logging.basicConfig(level=os.environ.get("LOG_LEVEL", "${rng.pick(["INFO", "DEBUG", "WARNING"])}"))`);
  }
  lines.push("");

  let constant: string | null = null;
  const constRoll = rng.int(100);
  if (constRoll < 30) {
    constant = "ALLOWED_ORIGINS";
    lines.push(`ALLOWED_ORIGINS = ${pyList(rng.pick(EXPLICIT_ORIGINS))}`);
  } else if (constRoll < 50) {
    constant = "ORIGINS";
    lines.push(`ORIGINS = os.getenv("CORS_ORIGINS", "*").split(",")`);
  }
  lines.push(`PAGE_SIZE = ${rng.pick([20, 25, 50, 100])}`);
  lines.push(`MAX_PAGE_SIZE = ${rng.pick([200, 250, 500, 1000])}`);
  lines.push(`REGION = os.environ.get("AWS_REGION", "${rng.pick(["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"])}")`);
  lines.push("");

  const origins = originsExpr(rng, constant);
  const title = `${team} API`;
  const version = `${rng.range(0, 3)}.${rng.range(0, 20)}.${rng.range(0, 9)}`;

  if (middlewareForm) {
    lines.push("app = FastAPI(");
    lines.push(`    title="${title}",`);
    lines.push(`    version="${version}",`);
    lines.push("    middleware=[");
    lines.push("        Middleware(");
    lines.push(`            ${corsName},`);
    lines.push(...corsKwargs(rng, origins, "            "));
    lines.push("        )");
    lines.push("    ],");
    lines.push(")");
  } else {
    lines.push(`app = FastAPI(title="${title}", version="${version}")`);
    lines.push("");
    lines.push("app.add_middleware(");
    lines.push(`    ${corsName},`);
    lines.push(...corsKwargs(rng, origins, "    "));
    lines.push(")");
  }
  lines.push("");

  if (usesRouter) {
    lines.push(`router = APIRouter(prefix="/v${rng.range(1, 3)}", tags=["${team.toLowerCase()}"])`);
    lines.push("");
  }

  lines.push(rng.chance(0.7) ? 'dynamodb = boto3.resource("dynamodb")' : 'dynamodb = boto3.resource("dynamodb", region_name=REGION)');
  lines.push("");

  if (hasRequestId) {
    lines.push("");
    lines.push("def get_request_id(request: Request) -> str:");
    lines.push(`    return request.headers.get("x-request-id", "-")`);
    lines.push("");
  }
  lines.push("");

  const handlerOrigin = constant === "ALLOWED_ORIGINS" ? "ALLOWED_ORIGINS[0]" : rng.chance(0.6) ? '"*"' : "origin";
  return {
    lines,
    ctx: {
      idx,
      routeVar: usesRouter ? "router" : "app",
      usesRouter,
      hasRequestId,
      corsOriginsExpr: handlerOrigin,
    },
  };
}

// ---------------------------------------------------------------------------
// Body blocks (one per noun): table, models, helper, routes
// ---------------------------------------------------------------------------

interface BlockNames {
  plural: string;
  singular: string;
  table: string;
  envVar: string;
  inModel: string;
  outModel: string;
  conv: string;
  fields: Field[];
}

function blockNames(rng: Lcg, noun: Noun, suffix: string): BlockNames {
  const plural = noun.plural + suffix;
  const singular = noun.singular + suffix;
  const nFields = rng.range(4, 8);
  const fields = rng.shuffle(FIELDS).slice(0, nFields);
  const inSuffix = rng.pick(["Create", "In", "Request", "Payload"]);
  const outSuffix = rng.pick(["Out", "Response", "Record", "View"]);
  return {
    plural,
    singular,
    table: `table_${plural}`,
    envVar: `${plural.toUpperCase()}_TABLE`,
    inModel: camel(singular) + inSuffix,
    outModel: camel(singular) + outSuffix,
    conv: rng.pick(["_from_dynamo", "_clean", "_to_native", "_decode"]) + `_${singular}`,
    fields,
  };
}

function setupChunk(rng: Lcg, n: BlockNames): string[] {
  const L: string[] = [];
  const tableName = rng.chance(0.7) ? n.plural : `${n.plural}-${rng.pick(["prod", "dev", "v2", "main"])}`;
  L.push(`table_${n.plural} = dynamodb.Table(os.environ.get("${n.envVar}", "${tableName}"))`);
  L.push("");
  L.push("");

  L.push(`class ${n.inModel}(BaseModel):`);
  if (rng.chance(0.4)) L.push(`    """Payload accepted when creating a new ${n.singular}."""`);
  for (const f of n.fields) L.push(`    ${f.name}: ${f.type}`);
  L.push("");
  L.push("");

  const outFields = rng.shuffle(FIELDS).slice(0, rng.range(4, 8));
  L.push(`class ${n.outModel}(BaseModel):`);
  L.push("    id: str");
  for (const f of outFields) L.push(`    ${f.name}: ${f.type}`);
  L.push("");
  L.push("");

  if (rng.chance(0.5)) {
    L.push(`def ${n.conv}(item: dict) -> dict:`);
    if (rng.chance(0.5)) L.push(`    """Convert DynamoDB Decimal values into plain ints and floats."""`);
    L.push("    out = {}");
    L.push("    for k, v in item.items():");
    L.push("        if isinstance(v, Decimal):");
    L.push("            out[k] = int(v) if v % 1 == 0 else float(v)");
    L.push("        elif isinstance(v, list):");
    L.push(`            out[k] = [float(x) if isinstance(x, Decimal) else x for x in v]`);
    L.push("        else:");
    L.push("            out[k] = v");
    L.push("    return out");
  } else {
    L.push(`def ${n.conv}(item: dict) -> dict:`);
    L.push("    return {");
    L.push("        k: (int(v) if v % 1 == 0 else float(v)) if isinstance(v, Decimal) else v");
    L.push("        for k, v in item.items()");
    L.push("    }");
  }
  L.push("");
  L.push("");
  return L;
}

function errorLines(rng: Lcg, op: string, idExpr: string | null): string[] {
  const L: string[] = [];
  L.push("    except ClientError as e:");
  if (rng.chance(0.65)) {
    if (rng.chance(0.3)) L.push(`        logger.error("${op} failed: %s", e)`);
    L.push("        raise HTTPException(500, detail=str(e))");
  } else {
    if (idExpr !== null && rng.chance(0.5)) {
      L.push(`        logger.exception(f"${op} failed for {${idExpr}}")`);
    } else {
      L.push(`        logger.exception("${op} failed")`);
    }
    L.push(`        raise HTTPException(status_code=500, detail="${rng.pick(GENERIC_ERRORS)}")`);
  }
  return L;
}

function reqIdParam(ctx: FileCtx, rng: Lcg): string {
  return ctx.hasRequestId && rng.chance(0.5) ? ", request_id: str = Depends(get_request_id)" : "";
}

function getRoute(rng: Lcg, ctx: FileCtx, n: BlockNames): string[] {
  const L: string[] = [];
  const rm = rng.chance(0.5) ? `, response_model=${n.outModel}` : "";
  L.push(`@${ctx.routeVar}.get("/${n.plural}/{item_id}"${rm})`);
  L.push(`async def get_${n.singular}(item_id: str${reqIdParam(ctx, rng)}):`);
  if (rng.chance(0.5)) L.push(`    """Fetch a single ${n.singular} by its id."""`);
  if (rng.chance(0.3)) L.push(`    logger.debug(f"fetching ${n.singular} {item_id}")`);
  L.push("    try:");
  L.push(`        resp = ${n.table}.get_item(Key={"id": item_id}${rng.chance(0.3) ? ", ConsistentRead=True" : ""})`);
  L.push(...errorLines(rng, "get_item", "item_id"));
  L.push(`    item = resp.get("Item")`);
  L.push("    if item is None:");
  if (rng.chance(0.5)) {
    L.push(`        raise HTTPException(status_code=404, detail=f"${n.singular} {item_id} not found")`);
  } else {
    L.push(`        raise HTTPException(404, detail="${n.singular} not found")`);
  }
  L.push(`    return ${n.conv}(item)`);
  L.push("");
  L.push("");
  return L;
}

function listRoute(rng: Lcg, ctx: FileCtx, n: BlockNames): string[] {
  const L: string[] = [];
  const attr = rng.pick(FILTER_ATTRS);
  const param = attr;
  const isBool = attr === "archived" || attr === "is_active";
  const ptype = isBool ? "bool | None" : "str | None";
  L.push(`@${ctx.routeVar}.get("/${n.plural}")`);
  L.push(
    `async def list_${n.plural}(${param}: ${ptype} = None, limit: int = PAGE_SIZE, start: str | None = None${reqIdParam(ctx, rng)}):`,
  );
  if (rng.chance(0.4)) L.push(`    """List ${n.plural}, optionally filtered by ${attr}."""`);
  L.push(`    kwargs = {"Limit": min(limit, MAX_PAGE_SIZE)}`);
  L.push("    if start:");
  L.push(`        kwargs["ExclusiveStartKey"] = {"id": start}`);
  L.push(`    if ${param} is not None:`);
  L.push(`        kwargs["FilterExpression"] = Attr("${attr}").eq(${param})`);
  L.push("    try:");
  L.push(`        resp = ${n.table}.scan(**kwargs)`);
  L.push(...errorLines(rng, "scan", null));
  if (rng.chance(0.5)) {
    L.push(`    items = [${n.conv}(i) for i in resp.get("Items", [])]`);
    L.push(`    return {"items": items, "next": resp.get("LastEvaluatedKey", {}).get("id")}`);
  } else {
    L.push(`    by_id = {i["id"]: ${n.conv}(i) for i in resp.get("Items", []) if "id" in i}`);
    if (rng.chance(0.4)) L.push(`    logger.info(f"listed {len(by_id)} ${n.plural}")`);
    L.push(`    return {"count": len(by_id), "items": by_id, "next": resp.get("LastEvaluatedKey")}`);
  }
  L.push("");
  L.push("");
  return L;
}

function postRoute(rng: Lcg, ctx: FileCtx, n: BlockNames): string[] {
  const L: string[] = [];
  const code = rng.pick([200, 201, 201, 202]);
  L.push(`@${ctx.routeVar}.post("/${n.plural}", status_code=${code})`);
  L.push(`async def create_${n.singular}(body: ${n.inModel}, request: Request${reqIdParam(ctx, rng)}):`);
  if (rng.chance(0.4)) L.push(`    """Create a new ${n.singular}; fails with 409 if the id already exists."""`);
  L.push("    item = json.loads(body.model_dump_json(), parse_float=Decimal)");
  L.push(`    item["id"] = item.get("id") or os.urandom(${rng.pick([8, 12, 16])}).hex()`);
  if (rng.chance(0.5)) {
    L.push(`    client_host = request.client.host if request.client else "unknown"`);
    L.push(`    logger.info("creating ${n.singular} %s from %s", item["id"], client_host)`);
  }
  L.push("    try:");
  L.push(`        ${n.table}.put_item(`);
  L.push("            Item=item,");
  L.push(`            ConditionExpression="attribute_not_exists(id)",`);
  L.push("        )");
  L.push("    except ClientError as e:");
  L.push(`        if e.response["Error"]["Code"] == "ConditionalCheckFailedException":`);
  L.push(`            raise HTTPException(409, detail="${n.singular} already exists")`);
  if (rng.chance(0.6)) {
    L.push("        raise HTTPException(500, detail=str(e))");
  } else {
    L.push(`        logger.exception("put_item failed")`);
    L.push(`        raise HTTPException(status_code=500, detail="${rng.pick(GENERIC_ERRORS)}")`);
  }
  L.push(`    return {"id": item["id"], "created": True}`);
  L.push("");
  L.push("");
  return L;
}

function deleteRoute(rng: Lcg, ctx: FileCtx, n: BlockNames): string[] {
  const L: string[] = [];
  L.push(`@${ctx.routeVar}.delete("/${n.plural}/{item_id}", status_code=${rng.chance(0.6) ? 204 : 200})`);
  L.push(`async def delete_${n.singular}(item_id: str${reqIdParam(ctx, rng)}):`);
  if (rng.chance(0.3)) L.push(`    """Remove the ${n.singular}. Idempotent."""`);
  L.push("    try:");
  L.push(`        boto3.client("dynamodb").delete_item(`);
  L.push(`            TableName=os.environ.get("${n.envVar}", "${n.plural}"),`);
  L.push(`            Key={"id": {"S": item_id}},`);
  L.push("        )");
  L.push(...errorLines(rng, "delete_item", "item_id"));
  if (rng.chance(0.4)) L.push(`    logger.warning(f"deleted ${n.singular} {item_id}")`);
  L.push(`    return {"deleted": item_id}`);
  L.push("");
  L.push("");
  return L;
}

function queryRoute(rng: Lcg, ctx: FileCtx, n: BlockNames): string[] {
  const L: string[] = [];
  const index = rng.pick(["owner_id-index", "gsi_owner", "OwnerIndex", "by-owner"]);
  L.push(`@${ctx.routeVar}.get("/owners/{owner_id}/${n.plural}")`);
  L.push(`async def ${n.plural}_by_owner(owner_id: str, limit: int = ${rng.pick([10, 25, 50, 100])}):`);
  if (rng.chance(0.4)) L.push(`    """Query ${n.plural} for one owner via the ${index} GSI."""`);
  L.push("    try:");
  L.push(`        resp = ${n.table}.query(`);
  L.push(`            IndexName="${index}",`);
  L.push(`            KeyConditionExpression=Key("owner_id").eq(owner_id),`);
  L.push("            Limit=min(limit, MAX_PAGE_SIZE),");
  if (rng.chance(0.3)) L.push("            ScanIndexForward=False,");
  L.push("        )");
  L.push(...errorLines(rng, "query", "owner_id"));
  L.push(`    return [${n.conv}(i) for i in resp["Items"]]`);
  L.push("");
  L.push("");
  return L;
}

function footer(rng: Lcg, ctx: FileCtx): string[] {
  const L: string[] = [];
  if (ctx.usesRouter) {
    L.push("app.include_router(router)");
    L.push("");
  }
  if (rng.chance(0.05)) {
    L.push("");
    L.push("def handler(event, context):");
    L.push(`    """Minimal Lambda entry point used by the health check."""`);
    L.push(`    origin = (event.get("headers") or {}).get("origin", "*")`);
    L.push(`    logger.info("lambda invocation from %s", origin)`);
    L.push("    return {");
    L.push(`        "statusCode": 200,`);
    L.push(`        "headers": {`);
    L.push(`            "Access-Control-Allow-Origin": ${ctx.corsOriginsExpr},`);
    if (rng.chance(0.5)) L.push(`            "Access-Control-Allow-Credentials": "true",`);
    L.push(`            "Content-Type": "application/json",`);
    L.push("        },");
    L.push(`        "body": json.dumps({"ok": True, "module": ${ctx.idx}}),`);
    L.push("    }");
    L.push("");
  } else if (rng.chance(0.08)) {
    L.push("");
    L.push(`if __name__ == "__main__":`);
    L.push("    import uvicorn");
    L.push("");
    L.push(`    uvicorn.run(app, host="0.0.0.0", port=${rng.range(8000, 8099)})`);
    L.push("");
  }
  return L;
}

// ---------------------------------------------------------------------------
// File assembly
// ---------------------------------------------------------------------------

function generateFile(rng: Lcg, idx: number, bytesPerFile: number): string {
  const team = rng.pick(TEAMS);
  const { lines, ctx } = header(rng, idx, team);
  let text = lines.join("\n") + "\n";

  const order = rng.shuffle(NOUNS);
  let round = 0;
  let done = false;
  for (let b = 0; !done; b++) {
    if (b > 0 && b % order.length === 0) round++;
    const noun = at(order, b % order.length);
    const suffix = round === 0 ? "" : `_v${round + 1}`;
    const names = blockNames(rng, noun, suffix);

    const chunks: string[][] = [setupChunk(rng, names)];
    chunks.push(getRoute(rng, ctx, names));
    chunks.push(listRoute(rng, ctx, names));
    chunks.push(postRoute(rng, ctx, names));
    chunks.push(deleteRoute(rng, ctx, names));
    if (rng.chance(0.75)) chunks.push(queryRoute(rng, ctx, names));

    // Append chunk by chunk; stop at whichever boundary lands closest to the
    // target so file sizes centre on bytesPerFile instead of overshooting.
    for (const chunk of chunks) {
      const s = chunk.join("\n") + "\n";
      const overshoot = text.length + s.length - bytesPerFile;
      const undershoot = bytesPerFile - text.length;
      if (overshoot > 0 && overshoot >= undershoot && b > 0) {
        done = true;
        break;
      }
      text += s;
    }
    if (text.length >= bytesPerFile) done = true;
  }

  const tail = footer(rng, ctx);
  if (tail.length > 0) text += tail.join("\n") + "\n";
  return text.replace(/\n{3,}$/, "\n");
}

export function generateCorpus(
  outDir: string,
  nFiles = 2000,
  bytesPerFile = 12500,
): { files: number; bytes: number } {
  const rng = new Lcg(SEED);
  let bytes = 0;
  let currentDir = "";
  for (let i = 0; i < nFiles; i++) {
    const dir = join(outDir, `svc_${Math.floor(i / 100)}`);
    if (dir !== currentDir) {
      mkdirSync(dir, { recursive: true });
      currentDir = dir;
    }
    const src = generateFile(rng, i, bytesPerFile);
    const buf = Buffer.from(src, "utf8");
    writeFileSync(join(dir, `app_${i}.py`), buf);
    bytes += buf.length;
  }
  return { files: nFiles, bytes };
}

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

function samePath(a: string, b: string): boolean {
  const canon = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return resolve(a) === resolve(b) || canon(a) === canon(b);
}

function parsePositiveInt(value: string | undefined, fallback: number, label: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new Error(`${label} must be a positive integer, got "${value}"`);
  }
  return n;
}

function main(argv: readonly string[]): number {
  const usage = "usage: npx tsx bench/gen-corpus.ts OUTDIR [NFILES=2000] [BYTES_PER_FILE=12500]";
  const [outDir, nFilesArg, bytesArg] = argv;
  if (outDir === undefined || outDir === "-h" || outDir === "--help") {
    console.error(usage);
    return outDir === undefined ? 2 : 0;
  }
  let nFiles: number;
  let bytesPerFile: number;
  try {
    nFiles = parsePositiveInt(nFilesArg, 2000, "NFILES");
    bytesPerFile = parsePositiveInt(bytesArg, 12500, "BYTES_PER_FILE");
  } catch (err) {
    console.error((err as Error).message);
    console.error(usage);
    return 2;
  }
  const t0 = performance.now();
  const { files, bytes } = generateCorpus(outDir, nFiles, bytesPerFile);
  const ms = performance.now() - t0;
  console.log(
    `wrote ${files} files, ${(bytes / 1e6).toFixed(2)} MB (${bytes} bytes) to ${resolve(outDir)} in ${ms.toFixed(0)} ms`,
  );
  return 0;
}

const entry = process.argv[1];
if (entry !== undefined && samePath(entry, fileURLToPath(import.meta.url))) {
  process.exitCode = main(process.argv.slice(2));
}
