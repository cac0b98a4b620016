#!/usr/bin/env bash
# The whole test suite: installs missing system packages, builds everything (including the tributary binary
# the integration tests run) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
swift build --build-tests
swift test
