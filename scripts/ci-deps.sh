#!/usr/bin/env bash
# Installs the Debian packages the test suite needs on a fresh machine, only what is missing:
#   chromium                                         — the HTML report is checked in real headless Chromium
#   jupyter-nbconvert jupyter-client python3-ipykernel — the notebooks are executed headless
#   libjs-requirejs libjs-mathjax                    — the scripts Debian's nbconvert HTML export loads from
#                                                      /usr/share/javascript (without them Chromium logs errors)
#   jupyterlab, else jupyter-notebook                — to open the notebooks interactively (Debian 12 has no
#                                                      jupyterlab package; its jupyter-notebook 6.4 runs the Deno kernel)
#   xz-utils bzip2 zstd                              — xz / bzip2 / zstd archives over 256 kB are decompressed by these programs
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
    echo "ci-deps: not root and sudo is missing; install as root: chromium jupyter-nbconvert jupyter-client python3-ipykernel libjs-requirejs libjs-mathjax jupyter-notebook xz-utils bzip2 zstd systemd systemd-journal-remote" >&2
    exit 1
  fi
fi

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v jupyter-nbconvert >/dev/null 2>&1 || missing+=(jupyter-nbconvert)
dpkg -s jupyter-client >/dev/null 2>&1 || missing+=(jupyter-client)
dpkg -s python3-ipykernel >/dev/null 2>&1 || missing+=(python3-ipykernel)
dpkg -s libjs-requirejs >/dev/null 2>&1 || missing+=(libjs-requirejs)
dpkg -s libjs-mathjax >/dev/null 2>&1 || missing+=(libjs-mathjax)
command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
command -v bzip2 >/dev/null 2>&1 || missing+=(bzip2)
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
command -v journalctl >/dev/null 2>&1 || missing+=(systemd)
[ -x /lib/systemd/systemd-journal-remote ] || [ -x /usr/lib/systemd/systemd-journal-remote ] || missing+=(systemd-journal-remote)

# The interactive front end: JupyterLab when Debian packages it, else the classic notebook.
updated=0
if ! command -v jupyter-lab >/dev/null 2>&1 && ! command -v jupyter-notebook >/dev/null 2>&1; then
  "${SUDO[@]}" apt-get update
  updated=1
  if apt-cache policy jupyterlab 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    missing+=(jupyterlab)
  else
    missing+=(jupyter-notebook)
  fi
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "ci-deps: installing ${missing[*]}"
  [ "$updated" = 1 ] || "${SUDO[@]}" apt-get update
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
