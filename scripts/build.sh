#!/usr/bin/env bash
# Builds the playground: the engine's release wasm and its JS glue, into the folder that
# wasm-pack.toml names (www/pkg), then shrinks the .wasm with wasm-opt (npm binaryen)
# using the flags wasm-pack.toml lists, and prints the sizes, raw and gzipped; then the
# page itself (scripts/build-web.mjs: esbuild bundles www/src/*.ts into www/dist/, tsc
# typechecks it, and the page weight is printed); last the npm package in dist-npm/
# (scripts/build-npm.mjs).
# Usage: scripts/build.sh            (run scripts/setup.sh first; `make play` does both)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

say() { printf '[build] %s\n' "$*"; }
die() { printf '[build] error: %s\n' "$*" >&2; exit 1; }

CONFIG=wasm-pack.toml
[ -f "$CONFIG" ] || die "$CONFIG is missing"

# toml_get SECTION KEY: prints a string value, or an array's strings one per line.
# Handles the subset wasm-pack.toml is written in (see its header); fails on anything else.
toml_get() {
  awk -v want_section="$1" -v want_key="$2" '
    function strip_comment(s,   out, i, c, in_str) {
      out = ""; in_str = 0
      for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\"") in_str = !in_str
        if (c == "#" && !in_str) break
        out = out c
      }
      return out
    }
    function emit_strings(s,   rest) {   # print each "quoted" string found in s
      rest = s
      while (match(rest, /"[^"]*"/)) {
        print substr(rest, RSTART + 1, RLENGTH - 2)
        rest = substr(rest, RSTART + RLENGTH)
      }
    }
    {
      line = strip_comment($0)
      if (in_array) {
        emit_strings(line)
        if (line ~ /\]/) exit
        next
      }
      if (line ~ /^[ \t]*\[[^]]+\][ \t]*$/) {
        section = line; gsub(/^[ \t]*\[|\][ \t]*$/, "", section)
        next
      }
      if (section != want_section) next
      if (!match(line, /^[ \t]*[A-Za-z0-9_-]+[ \t]*=/)) next
      key = substr(line, RSTART, RLENGTH - 1); gsub(/[ \t]/, "", key)
      if (key != want_key) next
      value = substr(line, RSTART + RLENGTH)
      found = 1
      if (value ~ /^[ \t]*\[/) {
        emit_strings(value)
        if (value !~ /\]/) in_array = 1
        else exit
      } else if (value ~ /^[ \t]*"[^"]*"[ \t]*$/) {
        emit_strings(value); exit
      } else {
        print "unsupported value for " want_key ": " value > "/dev/stderr"; bad = 1; exit
      }
    }
    END { if (bad || !found || in_array && line !~ /\]/) exit 1 }
  ' "$CONFIG"
}

setting() { # setting SECTION KEY: one string value, or die naming what is missing
  local value
  value="$(toml_get "$1" "$2")" || die "$CONFIG: [$1] $2 is missing or malformed"
  [ -n "$value" ] || die "$CONFIG: [$1] $2 is empty"
  printf '%s' "$value"
}

target="$(setting build target)"
out_dir="$(setting build out-dir)"
mapfile -t opt_flags < <(toml_get release wasm-opt)
[ "${#opt_flags[@]}" -gt 0 ] || die "$CONFIG: [release] wasm-opt is missing or empty"

# The files wasm-pack names after the crate: dynaplay.js, dynaplay_bg.wasm, dynaplay.d.ts.
crate="$(awk '/^\[package\]/ { p = 1; next } /^\[/ { p = 0 } p && /^name *=/ { gsub(/name *= *|"/, ""); print; exit }' Cargo.toml)"
[ -n "$crate" ] || die "cannot read the package name from Cargo.toml"
stem="${crate//-/_}"

command -v wasm-pack >/dev/null || die "wasm-pack is not installed: run scripts/setup.sh"
command -v wasm-opt >/dev/null || die "wasm-opt is missing: run scripts/setup.sh (it installs npm binaryen)"

say "wasm-pack build --release --target $target --out-dir $out_dir"
start=$SECONDS
# --mode no-install: use the wasm-bindgen on PATH (setup.sh installs the version in
# Cargo.lock) and fail rather than try to download one.
wasm-pack build --release --mode no-install --target "$target" --out-dir "$out_dir"
say "wasm-pack took $((SECONDS - start)) s"

wasm="$out_dir/${stem}_bg.wasm"
glue="$out_dir/${stem}.js"
[ -f "$wasm" ] && [ -f "$glue" ] || die "wasm-pack did not produce $wasm and $glue"

size() { wc -c <"$1" | tr -d ' '; }
gz_size() { gzip -9 -c "$1" | wc -c | tr -d ' '; }

before="$(size "$wasm")"
say "wasm-opt ${opt_flags[*]}"
start=$SECONDS
wasm-opt "${opt_flags[@]}" "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
say "wasm-opt took $((SECONDS - start)) s ($before -> $(size "$wasm") bytes)"

# wasm-pack writes a .gitignore ("*") and a package.json into the output folder; they are
# harmless (www/pkg is git-ignored anyway) and the package.json documents the build.
printf '[build] %-28s %9s bytes raw %9s bytes gzip -9\n' \
  "$wasm" "$(size "$wasm")" "$(gz_size "$wasm")" \
  "$glue" "$(size "$glue")" "$(gz_size "$glue")"

# The page: TypeScript bundled by esbuild into www/dist/, typechecked by tsc. It needs
# www/pkg/dynaplay.d.ts, so it comes after the engine. `make build-web` runs this step alone.
say "node scripts/build-web.mjs (esbuild + tsc --noEmit)"
start=$SECONDS
node scripts/build-web.mjs
say "page build took $((SECONDS - start)) s"

# The npm package (dist-npm/: the engine, the SDK request handler, `dynaplay serve`).
node scripts/build-npm.mjs
