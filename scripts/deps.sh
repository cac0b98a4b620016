#!/usr/bin/env bash
# Installs the Debian packages Tributary needs to build and test, when they are missing.
# Usage: scripts/deps.sh            (as root, or with sudo available)
set -euo pipefail

# System libraries and tools the build and the tests use (openssl makes the TLS certificates of the fake API server;
# systemd-journal-remote writes the real journal files of the journal tests, benchmark and example).
# libmaxminddb-dev reads stage.geoip's databases; libbz2-dev reads rotated .bz2 files (bzip2 writes them in the tests); prometheus ships promtool, which checks and unit-tests the alert rules of deploy/alerts/. chromium renders the web
# UI in its tests (headless, driven by scripts/browser-eval.py).
REQUIRED_PACKAGES=(zlib1g-dev libbz2-dev bzip2 libmaxminddb-dev libre2-dev libdeflate-dev libisal-dev libsystemd-dev pkg-config openssl systemd-journal-remote prometheus chromium)

missing=()
for pkg in "${REQUIRED_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# jmespath (PyPI): the JMESPath reference implementation the JMESPath tests compare against.
if ! python3 -c "import jmespath" >/dev/null 2>&1; then
  echo "installing: jmespath (PyPI)" >&2
  python3 -m pip install --quiet --disable-pip-version-check jmespath 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages jmespath
fi

# mmdb-writer (PyPI): writes the small MaxMind databases the stage.geoip tests read.
if ! python3 -c "import mmdb_writer" >/dev/null 2>&1; then
  echo "installing: mmdb-writer (PyPI)" >&2
  python3 -m pip install --quiet --disable-pip-version-check mmdb-writer 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages mmdb-writer
fi

# kubernetes-validate (PyPI; it bundles the Kubernetes schemas) checks the rendered manifests offline.
if ! command -v kubernetes-validate >/dev/null 2>&1; then
  echo "installing: kubernetes-validate (PyPI)" >&2
  python3 -m pip install --quiet --disable-pip-version-check kubernetes-validate 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages kubernetes-validate
  hash -r
fi
