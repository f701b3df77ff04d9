#!/usr/bin/env bash
# Installs the Debian packages the test suite needs on a fresh machine, only what is missing:
#   chromium                                         — the HTML report is checked in real headless Chromium
#   jupyter-nbconvert jupyter-client python3-ipykernel — the notebooks are executed headless
#   xz-utils bzip2                                   — xz / bzip2 archives over 256 kB are decompressed by these programs
#   systemd systemd-journal-remote                   — the binary journal reader is checked against journalctl -o export,
#                                                      on journal files systemd-journal-remote makes
# and registers the Deno Jupyter kernel (deno comes from npm, so run this after npm ci).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
cd "$(dirname "$0")/.."

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo --preserve-env=DEBIAN_FRONTEND)
  else
    echo "ci-deps: not root and sudo is missing; install as root: chromium jupyter-nbconvert jupyter-client python3-ipykernel xz-utils bzip2 systemd systemd-journal-remote" >&2
    exit 1
  fi
fi

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v jupyter-nbconvert >/dev/null 2>&1 || missing+=(jupyter-nbconvert)
dpkg -s jupyter-client >/dev/null 2>&1 || missing+=(jupyter-client)
dpkg -s python3-ipykernel >/dev/null 2>&1 || missing+=(python3-ipykernel)
command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
command -v bzip2 >/dev/null 2>&1 || missing+=(bzip2)
command -v journalctl >/dev/null 2>&1 || missing+=(systemd)
[ -x /lib/systemd/systemd-journal-remote ] || [ -x /usr/lib/systemd/systemd-journal-remote ] || missing+=(systemd-journal-remote)

if [ ${#missing[@]} -gt 0 ]; then
  echo "ci-deps: installing ${missing[*]}"
  "${SUDO[@]}" apt-get update
  "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "ci-deps: Debian packages present"
fi
[ -x /usr/bin/chromium ] || { echo "ci-deps: /usr/bin/chromium is still missing" >&2; exit 1; }
echo "ci-deps: $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"

# The Deno kernel for the TypeScript notebooks (npm package `deno`, a devDependency).
if [ -x node_modules/.bin/deno ]; then
  # --force: the kernelspec must point at this checkout's deno binary
  node_modules/.bin/deno jupyter --install --force
  echo "ci-deps: $(node_modules/.bin/deno --version | head -1) kernel registered"
else
  echo "ci-deps: node_modules/.bin/deno missing: run npm ci first" >&2
  exit 1
fi
