#!/usr/bin/env bash
# The whole test suite: installs missing system packages, builds everything (including the tributary binary
# the integration tests run) and runs every test.
#
# The integration tests drive child processes with synchronous waits, which hold Swift's cooperative threads
# (two on a 2-core machine) for minutes; they run after the other suites, not beside them, so that the async
# tests are never starved of threads.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
swift build --build-tests
swift test --skip-build --skip IntegrationTests
swift test --skip-build --filter IntegrationTests
