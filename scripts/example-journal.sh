#!/usr/bin/env bash
# Writes the example's journal file (examples/fixtures/journal/system.journal) from its export-format text with
# systemd-journal-remote, unless it is already there (an existing file keeps the cursor of an earlier run valid).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=examples/fixtures/journal
if [ ! -f "$dir/system.journal" ]; then
  /lib/systemd/systemd-journal-remote --output="$dir/system.journal" "$dir/system.export" 2>/dev/null
fi
