#!/usr/bin/env bash
# Installs what building and testing Dynaplay needs, skipping whatever is already present.
# Usage: scripts/setup.sh [play|test]   ("test" also installs Chromium and its driver)
#
# Nothing here downloads a prebuilt binary from outside the package registries (they are
# the only hosts these machines reach): Rust tools are built with `cargo install`,
# wasm-opt comes from the npm package binaryen, and Chromium from Debian.
# On a bare 2-core machine the first run takes about 13 minutes (wasm-bindgen-cli and
# wasm-pack compile from source); later runs take a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
purpose="${1:-play}"
case "$purpose" in play | test) ;; *) echo "usage: $0 [play|test]" >&2; exit 2 ;; esac

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

timed() { # timed WHAT COMMAND...: runs COMMAND and says how long it took
  local what="$1" start=$SECONDS
  shift
  "$@"
  say "$what took $((SECONDS - start)) s"
}

as_root() { # apt-get needs root; use sudo when we are not root and it is there
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    as_root apt-get update
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

locked_version() { # version of a crate recorded in Cargo.lock
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_rust() {
  command -v cargo >/dev/null && command -v rustup >/dev/null ||
    die "cargo and rustup are needed (https://rustup.rs); they are not installed"
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    timed "rustup target add" rustup target add wasm32-unknown-unknown
  fi
}

ensure_wasm_bindgen_cli() {
  # The CLI (wasm-bindgen, wasm-bindgen-test-runner) must match the library exactly.
  [ -f Cargo.lock ] || cargo generate-lockfile
  local want have
  want="$(locked_version wasm-bindgen)"
  [ -n "$want" ] || die "Cargo.lock records no wasm-bindgen version"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$have" != "$want" ] || ! command -v wasm-bindgen-test-runner >/dev/null; then
    # --locked fails on these machines (a locked dependency is not served), so no --locked.
    say "installing wasm-bindgen-cli $want (was: ${have:-none}); about 6 minutes on 2 cores"
    timed "cargo install wasm-bindgen-cli" cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_wasm_pack() {
  if ! command -v wasm-pack >/dev/null; then
    say "installing wasm-pack; about 6.5 minutes on 2 cores"
    timed "cargo install wasm-pack" cargo install wasm-pack
  fi
}

ensure_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "installing Node.js and npm from Debian"
    apt_install nodejs npm
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "Node.js 20 or later is needed, found $(node --version)"
}

ensure_npm_packages() {
  # binaryen gives a current wasm-opt; playwright-core drives the system Chromium.
  # npm keeps a copy of the lock it installed in node_modules/.package-lock.json: when the
  # project's lock is newer, the packages changed, so install again.
  if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] ||
    [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages (binaryen, playwright-core)"
    if [ -f package-lock.json ]; then
      timed "npm ci" npm ci --no-audit --no-fund
    else
      timed "npm install" npm install --no-audit --no-fund
    fi
  fi
}

ensure_python_clients() {
  # boto3 and the AWS CLI, for the test of `dynaplay serve` with real Python clients
  # (tests/e2e/serve.test.mjs, which skips that step without them). Optional: a machine
  # without python3 or PyPI still passes the rest.
  if [ -x .venv-clients/bin/aws ] && .venv-clients/bin/python3 -c 'import boto3' 2>/dev/null; then return; fi
  if command -v aws >/dev/null && python3 -c 'import boto3' 2>/dev/null; then return; fi
  if ! command -v python3 >/dev/null; then
    say "no python3: the boto3 and AWS CLI checks of dynaplay serve will be skipped"
    return
  fi
  say "installing boto3 and awscli into .venv-clients/"
  if ! timed "pip install boto3 awscli" bash -c 'python3 -m venv .venv-clients && .venv-clients/bin/pip install --quiet boto3 awscli'; then
    say "could not install boto3 and awscli: the boto3 and AWS CLI checks of dynaplay serve will be skipped"
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing chromium and chromium-driver from Debian; about a minute"
    timed "apt-get install chromium chromium-driver" apt_install chromium chromium-driver
  fi
}

start=$SECONDS
ensure_rust
ensure_wasm_target
ensure_wasm_bindgen_cli
ensure_wasm_pack
ensure_node
ensure_npm_packages
if [ "$purpose" = test ]; then
  ensure_chromium
  ensure_python_clients
fi
say "toolchain ready for '$purpose' ($((SECONDS - start)) s)"
