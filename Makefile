# stripe-edge. The two commands of the README:
#   make demo   set up, build, and run the main job on the local stack
#   make test   set up, build, and run every check and test
# Every tool is installed by scripts/setup.sh from the pins in this repository.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := demo

export PATH := $(HOME)/.cargo/bin:$(HOME)/go/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export WRANGLER_SEND_METRICS := false
export CLOUDFLARE_CF_FETCH_ENABLED := false
export NEXT_TELEMETRY_DISABLED := 1

JS_TESTS := tests/pkg/esm.test.mjs tests/pkg/cjs.test.cjs tests/pkg/init.test.mjs \
	tests/pkg/keys.test.mjs tests/pkg/keys.test.cjs tests/secret-scan.test.mjs \
	tests/pkg/paths.test.mjs tests/pkg/thin.test.mjs \
	tests/pkg/bundler.test.mjs tests/pkg/workerd.test.mjs \
	tests/pkg/client.test.cjs tests/pkg/client-encoding.test.mjs \
	tests/pkg/client-retries.test.mjs tests/pkg/client-stripe-mock.test.mjs \
	tests/pkg/client-localstripe.test.mjs \
	tests/differential/stripe-node.test.mjs tests/differential/stripe-node-wasm.test.mjs \
	tests/differential/stripe-python.test.mjs \
	tests/worker.test.mjs tests/worker-api.test.mjs tests/worker-mocks.test.mjs \
	tests/nextjs.test.mjs tests/e2e/shop.test.mjs tests/demo.test.mjs

.PHONY: demo dev test setup pkg worker nextjs lint secret-scan rust-test fuzz models models-size js-test bench clean

FUZZ_SECONDS ?= 60

## The main job: a payment on localstripe, its signed webhooks verified by the Worker
## and both Next.js routes, and a tampered delivery refused.
demo: pkg worker nextjs
	node scripts/demo.mjs

## The same stack, left running until Ctrl-C.
dev: pkg worker nextjs
	node scripts/demo.mjs --keep

## Every check: formatting, lints (host and wasm32), Rust tests natively and under
## wasm, then the built package from Node ESM, CommonJS, workerd, the Worker over
## HTTP, the Next.js build and both webhook routes, and the demo end to end.
test: setup lint secret-scan rust-test pkg worker nextjs js-test
	$(MAKE) fuzz FUZZ_SECONDS=15

setup:
	scripts/setup.sh

lint: setup
	cargo fmt --all --check
	cd fuzz && cargo fmt --check
	cargo clippy -p stripe-edge --all-targets -- -D warnings
	cargo clippy -p stripe-edge --features api --all-targets -- -D warnings
	cargo clippy -p stripe-edge --features models,api --all-targets -- -D warnings
	cargo clippy -p stripe-edge --features models-payments --all-targets -- -D warnings
	cargo clippy -p stripe-edge-codegen --all-targets -- -D warnings
	cargo clippy -p stripe-edge --target wasm32-unknown-unknown --features wasm -- -D warnings
	cargo clippy -p stripe-edge --target wasm32-unknown-unknown --features wasm,wasm-keys,wasm-api -- -D warnings
	cargo clippy -p stripe-edge-worker --target wasm32-unknown-unknown -- -D warnings
	prettier --check "**/*.{js,mjs,cjs,ts,tsx}"

## No real-looking Stripe key or secret in the tree or in any commit.
secret-scan: setup
	scripts/secret-scan.sh

rust-test: setup
	cargo test -p stripe-edge --features api
	cargo test -p stripe-edge --features models,api --test models --test api_stripe_mock
	cargo test -p stripe-edge --features models-payments --test models
	cargo test -p stripe-edge-codegen
	wasm-pack test --node -- --test wasm

## Regenerates the models from the pinned OpenAPI spec (fetched through the Go proxy).
models:
	cargo run -q -p stripe-edge-codegen -- "$$(scripts/stripe-spec.sh)" .

## What the Rust models add to a wasm module: webhook only, the payments group, all
## models (a size report, not a test; several minutes of release builds).
models-size: setup
	node scripts/models-size.mjs

## Coverage-guided fuzzing of header parsing and verification against a reference
## model, for a bounded time per target (make test runs a short pass).
fuzz: setup
	scripts/fuzz.sh $(FUZZ_SECONDS)

pkg: setup
	node scripts/build-pkg.mjs
	scripts/use-pkg.sh tests/pkg
	scripts/use-pkg.sh tests/differential

worker: setup
	node scripts/worker.mjs build

nextjs: pkg
	scripts/use-pkg.sh examples/nextjs
	node scripts/nextjs.mjs build

js-test: pkg worker nextjs
	tsc -p tests/types
	tsc -p tests/types/stripe-node/tsconfig.stripe-node.json
	tsc -p tests/pkg/types
	tsc -p tests/pkg/types/tsconfig.node10.json
	tsc -p tests/pkg/types/tsconfig.node16.json
	cd examples/nextjs && npm test && npm run typecheck
	node --test $(JS_TESTS)

## Speed beside stripe-node in Node, workerd and a Next.js edge route, and the size a
## webhook-only import ships; a benchmark, not a test (see BENCHMARKS.md).
bench: pkg worker
	scripts/use-pkg.sh bench
	node scripts/bench.mjs
	node scripts/bench-client.mjs
	node scripts/bench-worker.mjs

clean:
	rm -rf target pkg worker/build examples/nextjs/.next bench/.next artifacts .wrangler
