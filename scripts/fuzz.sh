#!/usr/bin/env bash
# `make fuzz`: the cargo-fuzz (libFuzzer) targets in fuzz/, each for FUZZ_SECONDS (default
# 600, so 30 minutes in all), printing each target's executions. cargo-fuzz wants a
# nightly toolchain for its -Z flags; RUSTC_BOOTSTRAP=1 lets the stable one accept them
# (these machines cannot install nightly). No sanitizer: the engine has no unsafe code.
# The API target's corpus starts from every request in tests/golden/. A crash stops the
# run and leaves its input in fuzz/artifacts/<target>/ (it becomes an ordinary test).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-600}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2
export RUSTC_BOOTSTRAP=1

corpus=fuzz/corpus/api_request
mkdir -p "$corpus"
# One corpus file per golden step: "Operation\nbody".
awk -v dir="$corpus" '
  FNR == 1 { step = 0; state = "op" }
  /^#/ && state == "op" { next }
  /^===$/ { state = "op"; next }
  /^---$/ { if (body != "") { file = sprintf("%s/%s-%03d", dir, FILENAME, step); gsub(/[\/.]/, "_", file); sub(/^fuzz_corpus_api_request_/, "", file); print op "\n" body > (dir "/" file); close(dir "/" file) } state = "skip"; body = ""; step++; next }
  state == "op" && NF { op = $0; state = "body"; body = ""; next }
  state == "body" { body = body $0 "\n" }
' tests/golden/*.txt

# Plain PutItems, compact as SDKs send them, which are read straight into packed items.
printf 'PutItem\n{"TableName":"flat","Item":{"sk":{"N":"2"},"pk":{"S":"b\\n"},"n":{"N":"1.50"},"l":{"L":[{"NS":["2","1"]}]}}}' >"$corpus/plain-put"
printf 'PutItem\n{"Item":{"pk":{"S":"c"},"sk":{"N":"3"},"b":{"BS":["AQ=="]}},"TableName":"flat"}' >"$corpus/plain-put-item-first"
cd fuzz
for target in api_request expressions partiql; do
  echo "==> fuzz $target for ${seconds} s"
  mkdir -p "corpus/$target"
  cargo fuzz run -s none -O "$target" "corpus/$target" -- -max_total_time="$seconds" -print_final_stats=1 2>&1 |
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)|panicked|ERROR|SUMMARY|artifact' || true
  if ls "artifacts/$target"/crash-* >/dev/null 2>&1; then
    echo "fuzz: $target found a crash: $(ls "artifacts/$target"/crash-*)" >&2
    exit 1
  fi
done
