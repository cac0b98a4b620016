#!/usr/bin/env bash
# Builds the libFuzzer target of the configuration language and runs it.
# Usage: Fuzz/run.sh [SECONDS]   (default 300). Crashes are written to Fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
out=.build/fuzz
mkdir -p "$out" Fuzz/corpus Fuzz/crashes
# One module of the configuration language (Codecs + Syntax + Evaluation): the sources are copied with their
# cross-module imports removed. Yams, which encoding.from_yaml uses, comes from the package's own debug build.
swift build --target Yams
rm -rf "$out/src" && mkdir -p "$out/src"
for f in Sources/Codecs/*.swift Sources/Syntax/*.swift Sources/Evaluation/*.swift; do
  sed -e '/^import Syntax$/d' -e '/^import Codecs$/d' "$f" > "$out/src/$(basename "$(dirname "$f")")-$(basename "$f")"
done
yams=.build/checkouts/Yams/Sources/CYaml/include
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name FuzzConfig \
  -I .build/debug/Modules -Xcc -fmodule-map-file="$yams/module.modulemap" -Xcc -I"$yams" \
  "$out"/src/*.swift Fuzz/ConfigFuzz.swift .build/debug/Yams.build/*.o .build/debug/CYaml.build/src/*.o -o "$out/config-fuzz"
# Seed the corpus with the golden fixtures and examples.
cp -n Tests/SyntaxTests/Fixtures/fmt/*.alloy Tests/SyntaxTests/Fixtures/errors/*.alloy examples/*.alloy Fuzz/corpus/ 2>/dev/null || true
"$out/config-fuzz" Fuzz/corpus -max_total_time="$seconds" -max_len=4096 -artifact_prefix=Fuzz/crashes/ -print_final_stats=1
