# stripe-edge. The two commands of the README:
#   make demo   set up, build, and run the main job on the local stack
#   make test   set up, build, and run every check and test
# Every tool is installed by scripts/setup.sh from the pins in this repository.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := demo

export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export WRANGLER_SEND_METRICS := false
export CLOUDFLARE_CF_FETCH_ENABLED := false
export NEXT_TELEMETRY_DISABLED := 1

JS_TESTS := tests/pkg/esm.test.mjs tests/pkg/cjs.test.cjs tests/pkg/init.test.mjs \
	tests/pkg/bundler.test.mjs tests/pkg/workerd.test.mjs \
	tests/worker.test.mjs tests/nextjs.test.mjs tests/demo.test.mjs

.PHONY: demo dev test setup pkg worker nextjs lint rust-test js-test bench clean

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
test: setup lint rust-test pkg worker nextjs js-test

setup:
	scripts/setup.sh

lint: setup
	cargo fmt --all --check
	cargo clippy -p stripe-edge --all-targets -- -D warnings
	cargo clippy -p stripe-edge --target wasm32-unknown-unknown --features wasm -- -D warnings
	cargo clippy -p stripe-edge-worker --target wasm32-unknown-unknown -- -D warnings
	prettier --check "**/*.{js,mjs,cjs,ts,tsx}"

rust-test: setup
	cargo test -p stripe-edge
	wasm-pack test --node -- --test wasm

pkg: setup
	node scripts/build-pkg.mjs
	scripts/use-pkg.sh tests/pkg

worker: setup
	node scripts/worker.mjs build

nextjs: pkg
	scripts/use-pkg.sh examples/nextjs
	node scripts/nextjs.mjs build

js-test: pkg worker nextjs
	node --test $(JS_TESTS)

## Speed of verification beside stripe-node, printed as ratios (not a test).
bench: pkg
	node scripts/bench.mjs

clean:
	rm -rf target pkg worker/build examples/nextjs/.next artifacts .wrangler
