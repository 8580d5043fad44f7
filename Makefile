# Dynaplay: the two commands are `make play` and `make test` (see README.md).
# Each step stops the run on its first failure.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Tools installed by scripts/setup.sh: cargo's in ~/.cargo/bin, npm's in node_modules/.bin.
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
PORT ?= 8080
export PORT

# $(call stage,NAME,COMMAND): runs COMMAND, then prints how long it took.
define stage
@printf '\n==> %s\n' '$(1)'; start=$$(date +%s); $(2); \
  printf '==> %s: done in %s s\n' '$(1)' "$$(( $$(date +%s) - start ))"
endef

# Steps run in the order written, even under make -j.
.NOTPARALLEL:

.PHONY: help play test setup setup-test build build-web serve test-host test-wasm test-web test-e2e

help:
	@echo "make play   install what is missing, build the engine, serve the playground on http://127.0.0.1:$(PORT)/"
	@echo "make test   install what is missing (Chromium too), then cargo test, wasm tests in headless"
	@echo "            Chromium, the release build (engine + page, typechecked), the page's unit tests and"
	@echo "            its end-to-end tests, the AWS SDK and dynaplay serve tests, the npm package test"
	@echo "make bench  the benchmarks: release build, native figures, browser figures (docs/benchmarks.md)"
	@echo "make soak   the 1,000,000-operation soak against a reference model (docs/reliability.md)"
	@echo "make fuzz   the cargo-fuzz targets, 10 minutes each (FUZZ_SECONDS to change it)"
	@echo "Single steps: make setup | setup-test | build | build-web | serve | test-host | test-wasm | test-web | test-e2e"
	@echo "             (build-web: the page's TypeScript only, without rebuilding the engine)"

play: setup build serve

test: setup-test test-host test-wasm build test-web test-e2e
	@printf '\n==> make test: all stages passed\n'

setup:
	$(call stage,setup (play),scripts/setup.sh play)

setup-test:
	$(call stage,setup (test),scripts/setup.sh test)

# The engine's release wasm (www/pkg/), then the page (www/dist/: esbuild + tsc typecheck).
build:
	$(call stage,release build (engine + page),scripts/build.sh)

# The page alone (needs www/pkg/ from a previous build): esbuild, tsc --noEmit, sizes.
build-web:
	$(call stage,page build (esbuild + tsc),node scripts/build-web.mjs)

serve:
	node scripts/serve.mjs

test-host:
	$(call stage,cargo test (host),cargo test)

# wasm-pack finds wasm-bindgen-test-runner on PATH (--mode no-install: never download one).
test-wasm:
	$(call stage,wasm-pack test (headless Chromium),wasm-pack test --headless --chrome --mode no-install --chromedriver "$$(command -v chromedriver)")

# The page's unit tests (TypeScript converters, code generation), bundled by build-web.
test-web:
	$(call stage,page unit tests (node --test),node --test .build/unit/)

# The page in Chromium, then the SDK (Node and Chromium), `dynaplay serve` and the npm package.
test-e2e:
	$(call stage,end-to-end tests of the page and the package,node --test --test-concurrency=1 tests/e2e/)

# Benchmarks (README "Benchmarks"): the release build and the native bench, their output
# kept in target/bench/ for bench/run.mjs, which adds the browser figures (headless
# Chromium), prints every figure and writes docs/benchmarks.md.
# BENCH_SCALE=small make bench: small sizes, for development (writes target/bench/ only).
.PHONY: fuzz
# The cargo-fuzz targets in fuzz/ (API requests, expressions, PartiQL), FUZZ_SECONDS each
# (default 600: 30 minutes in all); docs/reliability.md.
fuzz:
	$(call stage,cargo fuzz (3 targets),scripts/fuzz.sh)

.PHONY: soak
# The 1,000,000-operation soak (tests/soak.rs) in a release build; prints the rate.
soak:
	$(call stage,soak (1,000,000 operations),DYNAPLAY_SOAK_OPS=1000000 cargo test --release --test soak -- --nocapture)

.PHONY: bench
bench: setup-test
	@mkdir -p target/bench
	$(call stage,release build,scripts/build.sh | tee target/bench/build.log)
	$(call stage,native engine bench,cargo bench --bench engine | tee target/bench/engine.log)
	$(call stage,browser benchmarks (headless Chromium),node bench/run.mjs target/bench)
