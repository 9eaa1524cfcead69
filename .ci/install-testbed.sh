#!/usr/bin/env bash
# Installs the real servers the test fixtures run (src/test/java/.../testbed), from Debian 12 packages.
#
#   sudo .ci/install-testbed.sh
#
# Idempotent: installs only what is missing (one `apt-get update`, only then). Starts nothing: package
# maintainer scripts are stopped from starting services (policy-rc.d), and postgresql-common is told not to
# create its default "main" cluster. The fixtures start every server themselves, on free 127.0.0.1 ports.
# Prints one line per component with its version; exits non-zero if anything is still missing.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

PG_BIN=/usr/lib/postgresql/15/bin

# package -> a binary it must provide
declare -A BINARY=(
  [docker.io]=/usr/sbin/dockerd
  [docker-compose]=/usr/bin/docker-compose
  [nginx-light]=/usr/sbin/nginx
  [haproxy]=/usr/sbin/haproxy
  [redis-server]=/usr/bin/redis-server
  [prometheus]=/usr/bin/prometheus
  [wrk]=/usr/bin/wrk
  [busybox-static]=/bin/busybox
  [util-linux]=/usr/bin/setpriv
  [passwd]=/usr/sbin/useradd
  [tar]=/bin/tar
  [chromium]=/usr/bin/chromium
)
PACKAGES=(docker.io docker-compose nginx-light haproxy redis-server prometheus wrk busybox-static util-linux passwd tar chromium)

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! is_installed "$pkg" || [[ ! -x "${BINARY[$pkg]}" ]]; then
    missing+=("$pkg")
  fi
done
# PostgreSQL: only when the server binaries are absent (they may come preinstalled).
if [[ ! -x "$PG_BIN/initdb" ]]; then
  missing+=(postgresql-15)
fi

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-testbed: missing ${missing[*]}; run this script as root" >&2
    exit 1
  fi
  echo "install-testbed: installing ${missing[*]}" >&2
  created_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# install-testbed.sh: do not start services while installing\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  if [[ " ${missing[*]} " == *" postgresql-15 "* && ! -e /etc/postgresql-common/createcluster.conf ]]; then
    mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
  fi
  apt-get update -q
  apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}"
  if [[ -n "$created_policy" ]]; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
fi

# npm-groovy-lint (from the npm registry) for GroovyLintTest: Node.js and npm from Debian when missing, then the
# linter into the project-local .tools/npm-groovy-lint (idempotent: only when that version is not there yet).
# 14.6.0 is the newest release that runs on Debian 12's Node.js 18 (15+ need Node 20, 18.x Node 22.15). It runs
# CodeNarc on Java, offline once installed.
GROOVY_LINT_VERSION=14.6.0
GROOVY_LINT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools/npm-groovy-lint"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-testbed: missing nodejs npm; run this script as root" >&2
    exit 1
  fi
  echo "install-testbed: installing nodejs npm" >&2
  apt-get update -q
  apt-get install -y -q --no-install-recommends nodejs npm
fi
GROOVY_LINT_LOCK="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/npm-groovy-lint"
if ! cmp -s "$GROOVY_LINT_LOCK/package-lock.json" "$GROOVY_LINT_DIR/package-lock.json" \
   || [[ ! -x "$GROOVY_LINT_DIR/node_modules/.bin/npm-groovy-lint" ]]; then
  echo "install-testbed: installing npm-groovy-lint@$GROOVY_LINT_VERSION into $GROOVY_LINT_DIR (npm ci, versions of .ci/npm-groovy-lint/package-lock.json)" >&2
  mkdir -p "$GROOVY_LINT_DIR"
  cp "$GROOVY_LINT_LOCK/package.json" "$GROOVY_LINT_LOCK/package-lock.json" "$GROOVY_LINT_DIR/"
  (cd "$GROOVY_LINT_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

# first line of a command's output (stdout+stderr), even if it exits non-zero (wrk -v does)
first_line() {
  local out
  out=$("$@" 2>&1 || true)
  printf '%s\n' "${out%%$'\n'*}"
}

status=0
report() { # component binary version-command...
  local name=$1 bin=$2
  shift 2
  if [[ -x "$bin" ]]; then
    printf '%-16s %s\n' "$name" "$(first_line "$@")"
  else
    printf '%-16s MISSING (%s)\n' "$name" "$bin"
    status=1
  fi
}

report docker.io      /usr/sbin/dockerd          /usr/sbin/dockerd --version
report docker-cli     "$(command -v docker || echo /usr/bin/docker)" docker --version
report docker-compose /usr/bin/docker-compose    /usr/bin/docker-compose version --short
report nginx-light    /usr/sbin/nginx            /usr/sbin/nginx -v
report haproxy        /usr/sbin/haproxy          /usr/sbin/haproxy -v
report redis-server   /usr/bin/redis-server      /usr/bin/redis-server --version
report prometheus     /usr/bin/prometheus        /usr/bin/prometheus --version
report wrk            /usr/bin/wrk               /usr/bin/wrk -v
report busybox-static /bin/busybox               /bin/busybox
report postgresql-15  "$PG_BIN/postgres"         "$PG_BIN/postgres" --version
report setpriv        /usr/bin/setpriv           /usr/bin/setpriv --version
report chromium       /usr/bin/chromium          /usr/lib/chromium/chromium --version
report npm-groovy-lint "$GROOVY_LINT_DIR/node_modules/.bin/npm-groovy-lint" node -p "'npm-groovy-lint ' + require('$GROOVY_LINT_DIR/node_modules/npm-groovy-lint/package.json').version + ' (Node.js ' + process.version + ')'"

if ((status != 0)); then
  echo "install-testbed: some components are still missing" >&2
fi
exit "$status"
