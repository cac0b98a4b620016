#!/usr/bin/env bash
# Runs the agent on the bundled kubelet-style fixture tree and journal, and prints every entry to stdout (no server
# needed). Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
swift build -c release --product tributary
bash scripts/example-journal.sh
exec .build/release/tributary run examples/local.alloy --storage.path "${TMPDIR:-/tmp}/tributary-example" "$@"
