#!/usr/bin/env bash
# Builds the libFuzzer target of the configuration language and runs it.
# Usage: Fuzz/run.sh [SECONDS]   (default 300). Crashes are written to Fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
out=.build/fuzz
mkdir -p "$out" Fuzz/corpus Fuzz/crashes
# One module of Syntax + Runtime (without the Controller, which needs swift-log): copy the sources with
# their cross-module imports removed.
rm -rf "$out/src" && mkdir -p "$out/src"
for f in Sources/Syntax/*.swift $(ls Sources/Runtime/*.swift | grep -v Controller.swift); do
  sed -e '/^import Syntax$/d' "$f" > "$out/src/$(basename "$(dirname "$f")")-$(basename "$f")"
done
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name FuzzConfig \
  "$out"/src/*.swift Fuzz/ConfigFuzz.swift -o "$out/config-fuzz"
# Seed the corpus with the golden fixtures and examples.
cp -n Tests/SyntaxTests/Fixtures/fmt/*.alloy Tests/SyntaxTests/Fixtures/errors/*.alloy examples/*.alloy Fuzz/corpus/ 2>/dev/null || true
"$out/config-fuzz" Fuzz/corpus -max_total_time="$seconds" -max_len=4096 -artifact_prefix=Fuzz/crashes/ -print_final_stats=1
