# Two commands do everything on a fresh Debian machine: `make demo` and `make test`.
SHELL := /bin/bash
NPM_STAMP := node_modules/.package-lock.json

.PHONY: demo test build deps bench docs clean

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NPM_STAMP)

deps: $(NPM_STAMP)
	@# python3 (any interpreter) checks regex witnesses against Python's own `re` in the tests
	@command -v python3 >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3; }
	@# live-scan tests run real FastAPI apps (the example service among them): Debian's FastAPI, uvicorn, boto3 and PyJWT, with /usr/bin/python3
	@/usr/bin/python3 -c 'import fastapi, uvicorn, boto3, jwt' 2>/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-fastapi python3-uvicorn python3-boto3 python3-jwt; }
	@# browser proof (--verify) runs Debian's Chromium through playwright-core
	@test -x /usr/lib/chromium/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }

build: deps
	npx tsc -p tsconfig.build.json

demo: build
	@mkdir -p reports
	@echo "== examples/profiles-api (vulnerable) =="
	-node dist/bin/crossread.js scan examples/profiles-api --fail-on none
	node dist/bin/crossread.js scan examples/profiles-api --format sarif --output reports/profiles-api.sarif --fail-on none
	node dist/bin/crossread.js scan examples/profiles-api --format json --output reports/profiles-api.json --fail-on none
	node dist/bin/crossread.js scan examples/profiles-api --format html --output reports/profiles-api.html --fail-on none
	@echo "== examples/profiles-api-fixed (fixed twin) =="
	node dist/bin/crossread.js scan examples/profiles-api-fixed --fail-on low
	node dist/bin/crossread.js scan examples/profiles-api-fixed --format sarif --output reports/profiles-api-fixed.sarif --fail-on none
	@echo "== live: the example service running (uvicorn over dynalite), scanned with its source and proved in Chromium; then its fixed twin =="
	npx tsx scripts/live-demo.ts
	@echo "Reports written to reports/"

test: deps
	npx tsc -p . --noEmit
	npm test

bench: deps
	npm run bench

docs: deps
	npm run docs

clean:
	rm -rf dist reports .bench
