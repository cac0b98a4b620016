#!/usr/bin/env bash
# Builds a libFuzzer target of the configuration language and runs it.
# Usage: Fuzz/run.sh [config|expression] [SECONDS]   (default: config, 300 s). Findings go to Fuzz/crashes/.
#   config      scanning, parsing, formatting and evaluating arbitrary bytes (corpus: Fuzz/corpus/, not kept)
#   expression  the evaluator and every standard library function with fuzzed arguments, with a 5 s timeout
#               and a 1 GiB memory limit per input (corpus kept in the repository: Fuzz/corpus-expression/)
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-config}"
seconds="${2:-300}"
case "$target" in
  config) entry=Fuzz/ConfigFuzz.swift; corpus=Fuzz/corpus; limits=() ;;
  expression) entry=Fuzz/ExpressionFuzz.swift; corpus=Fuzz/corpus-expression; limits=(-timeout=5 -rss_limit_mb=1024) ;;
  *) echo "unknown target $target (config or expression)" >&2; exit 2 ;;
esac
out=.build/fuzz
mkdir -p "$out" "$corpus" Fuzz/crashes
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
  "$out"/src/*.swift "$entry" .build/debug/Yams.build/*.o .build/debug/CYaml.build/src/*.o -o "$out/$target-fuzz"
# Seed the corpus of the configuration target with the golden fixtures and examples.
if [ "$target" = config ]; then
  cp -n Tests/SyntaxTests/Fixtures/fmt/*.alloy Tests/SyntaxTests/Fixtures/errors/*.alloy examples/*.alloy "$corpus"/ 2>/dev/null || true
fi
"$out/$target-fuzz" "$corpus" "${limits[@]}" -max_total_time="$seconds" -max_len=4096 -artifact_prefix=Fuzz/crashes/ -print_final_stats=1
