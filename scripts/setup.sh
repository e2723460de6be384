#!/usr/bin/env bash
# contlab set-up: one command from a fresh clone to a running lab.
#   sudo scripts/setup.sh              install everything, build, start contlab
#   sudo scripts/setup.sh --no-start   the same, without starting the lab
#   (--test-deps also installs what only the test suite needs: qemu for the cgroup v2 VM)
# It is idempotent: a second run only checks what is already there (a few seconds).
set -euo pipefail
cd "$(dirname "$0")/.."

start=1
lists=(scripts/debian-packages.txt)
for arg in "$@"; do
  case "$arg" in
    --no-start) start=0 ;;
    --test-deps) lists+=(scripts/debian-packages-test.txt) ;;
    -h | --help)
      sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup: unknown option '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() {
  printf 'setup: %s\n' "$*" >&2
  exit 1
}

[ "$(id -u)" = 0 ] || die "run it as root: sudo $0 $*"
command -v apt-get >/dev/null || die "this set-up needs Debian or Ubuntu (apt-get); see README.md for the package list"
command -v node >/dev/null || die "Node.js >= 20 is needed: install it first (https://nodejs.org or your distribution)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js >= 20 is needed, this is $(node --version)"

# Debian packages the lab and its tests use. Kept in one file so the doctor, the README and
# this script agree.
mapfile -t packages < <(cat "${lists[@]}" | grep -v '^\s*#' | awk 'NF {print $1}')
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The lab runs its own containerd and dockerd on its own sockets; installing the packages
  # must not start the system-wide daemons, so services stay stopped during the install.
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  trap '[ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/contlab-apt.log 2>&1 ||
    die "apt-get install failed; see /tmp/contlab-apt.log"
else
  say "Debian packages: all ${#packages[@]} present"
fi

# npm dependencies: reinstalled only when the lockfile changed since the last install.
stamp=node_modules/.contlab-lock-sha
lock_sha=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sha" ]; then
  say "installing npm dependencies"
  # `npm install` rather than `npm ci`: npm 11 writes lockfiles without other platforms'
  # optional binaries and `npm ci` then refuses them (npm/cli#8320). With a lockfile present,
  # `npm install` installs exactly the locked versions and leaves the lockfile untouched.
  npm install --no-audit --no-fund --loglevel=error
  echo "$lock_sha" >"$stamp"
else
  say "npm dependencies: up to date"
fi

say "building TypeScript, the CLI bundle and the native runtime"
npm run --silent build:ts
# After tsc: bin/contlab runs whichever of the two builds is newer (scripts/bundle.mjs).
npm run --silent build:bundle
make -s -C native

say "ready: $(bin/contlab --version)"
if [ "$start" = 1 ]; then
  if [ -t 0 ] && [ -t 1 ]; then
    exec bin/contlab
  else
    echo "not on a terminal: run bin/contlab to start the lab"
  fi
fi
