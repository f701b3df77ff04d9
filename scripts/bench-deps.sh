#!/usr/bin/env bash
# Installs what a full `npm run bench` compares against and measures with, only what is missing:
#   lnav  — the reference for syslog ingest (headless index + one SQL count), Debian package lnav
#   time  — GNU time, for wall / CPU / peak RSS of each child process (without it the bench polls VmHWM)
# bench/run.mjs runs it before a full run (not --quick, not --no-lnav). A machine where it cannot
# install (not root and no sudo, no package mirror) still benchmarks: lnav is then skipped by name.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

missing=()
command -v lnav >/dev/null 2>&1 || missing+=(lnav)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo --preserve-env=DEBIAN_FRONTEND)
  else
    echo "bench-deps: not root and no password-less sudo; to compare with lnav: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "bench-deps: no apt-get; install ${missing[*]} by hand to compare with lnav" >&2
  exit 1
fi
echo "bench-deps: installing ${missing[*]}" >&2
"${SUDO[@]}" apt-get update >&2
"${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2
