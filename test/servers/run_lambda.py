"""Serves one knowledge-page Lambda handler (`app.handler` in <dir>/app.py) the way API Gateway's Lambda proxy
integration calls it, on 127.0.0.1:<port>, for live probes in tests.

Usage: run_lambda.py <dir> <port> <rest|http> <route template, e.g. /profiles/{user_id}>
- rest: a REST API proxy event (payload 1.0): headers as sent plus multiValueHeaders, Cognito authorizer
  claims at requestContext.authorizer.claims and a Lambda authorizer's context (principalId, user_id) beside them; an unhandled exception answers 502 {"message": "Internal server error"}.
- http: an HTTP API event (payload 2.0) with no CORS configuration: lower-cased headers, cookies as a list,
  JWT claims at requestContext.authorizer.jwt.claims; an unhandled exception answers 500.
The claims are those of user u1 (sub "u1"); boto3 is pointed at DYNAMO_ENDPOINT as in run_block.py.
"""
import base64
import importlib
import json
import os
import re
import sys
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

CLAIMS = {"sub": "u1", "email": "alice@corp.example", "cognito:username": "alice"}


def compile_route(template):
    names = re.findall(r"\{(\w+)\+?\}", template)
    pattern = "^" + re.sub(r"\\\{(\w+)(\\\+)?\\\}", lambda m: "(.+)" if m.group(2) else "([^/]+)", re.escape(template)) + "/?$"
    return re.compile(pattern), names


def build_event(shape, method, target, headers, body, route):
    url = urlsplit(target)
    regex, names = route
    m = regex.match(url.path)
    path_params = dict(zip(names, m.groups())) if m else None
    query = parse_qsl(url.query, keep_blank_values=True)
    text = body.decode("utf-8", "replace") if body else None
    if shape == "rest":
        single, multi = {}, {}
        for k, v in headers:
            single[k] = v
            multi.setdefault(k, []).append(v)
        return {
            "resource": route_template,
            "path": url.path,
            "httpMethod": method,
            "headers": single,
            "multiValueHeaders": multi,
            "queryStringParameters": dict(query) or None,
            "multiValueQueryStringParameters": {k: [v for kk, v in query if kk == k] for k, _ in query} or None,
            "pathParameters": path_params,
            "requestContext": {"requestId": str(uuid.uuid4()), "stage": "prod", "httpMethod": method, "path": url.path, "authorizer": {"claims": CLAIMS, "principalId": "u1", "user_id": "u1"}},
            "body": text,
            "isBase64Encoded": False,
        }
    lower, cookies = {}, []
    for k, v in headers:
        if k.lower() == "cookie":
            cookies.extend(c.strip() for c in v.split(";") if c.strip())
            continue
        lower[k.lower()] = f"{lower[k.lower()]},{v}" if k.lower() in lower else v
    return {
        "version": "2.0",
        "routeKey": f"{method} {route_template}",
        "rawPath": url.path,
        "rawQueryString": url.query,
        "cookies": cookies or None,
        "headers": lower,
        "queryStringParameters": dict(query) or None,
        "pathParameters": path_params,
        "requestContext": {"requestId": str(uuid.uuid4()), "http": {"method": method, "path": url.path}, "authorizer": {"jwt": {"claims": CLAIMS, "scopes": None}}},
        "body": text,
        "isBase64Encoded": False,
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        event = build_event(shape, self.command, self.path, list(self.headers.items()), body, route)
        if event["pathParameters"] is None and shape == "rest":
            return self.reply(403, {"content-type": "application/json"}, {}, json.dumps({"message": "Missing Authentication Token"}))
        if event["pathParameters"] is None:
            return self.reply(404, {"content-type": "application/json"}, {}, json.dumps({"message": "Not Found"}))
        try:
            result = module.handler(event, None)
        except Exception:
            traceback.print_exc()
            if shape == "rest":
                return self.reply(502, {"content-type": "application/json"}, {}, json.dumps({"message": "Internal server error"}))
            return self.reply(500, {"content-type": "application/json"}, {}, json.dumps({"message": "Internal Server Error"}))
        if not isinstance(result, dict) or "statusCode" not in result:
            return self.reply(502 if shape == "rest" else 500, {"content-type": "application/json"}, {}, json.dumps({"message": "Internal server error"}))
        text = result.get("body") or ""
        raw = base64.b64decode(text) if result.get("isBase64Encoded") else str(text).encode()
        headers = dict(result.get("headers") or {})
        multi = dict(result.get("multiValueHeaders") or {}) if shape == "rest" else {}
        if shape == "http":
            for c in result.get("cookies") or []:
                multi.setdefault("set-cookie", []).append(c)
            headers.setdefault("content-type", "application/json")
        self.reply(int(result["statusCode"]), headers, multi, raw)

    def reply(self, status, headers, multi, body):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, str(v))
        for k, vs in multi.items():
            for v in vs:
                self.send_header(k, str(v))
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_HEAD = do_OPTIONS = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


if __name__ == "__main__":
    block_dir, port, shape, route_template = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from run_block import local_dynamodb

    local_dynamodb(os.environ["DYNAMO_ENDPOINT"])
    sys.path.insert(0, block_dir)
    module = importlib.import_module("app")
    route = compile_route(route_template)
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
