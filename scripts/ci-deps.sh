#!/usr/bin/env bash
# Installs what the browser test (test/rca/html.test.ts) needs on a fresh Debian machine:
# Debian's Chromium at /usr/bin/chromium. Idempotent: does nothing when it is already there.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if [ -x /usr/bin/chromium ]; then
  echo "ci-deps: /usr/bin/chromium present ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo --preserve-env=DEBIAN_FRONTEND)
  else
    echo "ci-deps: not root and sudo is missing; install Debian package 'chromium' as root" >&2
    exit 1
  fi
fi

echo "ci-deps: installing Debian chromium"
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y chromium

if [ ! -x /usr/bin/chromium ]; then
  echo "ci-deps: apt-get finished but /usr/bin/chromium is still missing" >&2
  exit 1
fi
echo "ci-deps: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
