#!/usr/bin/env bash
# Installs what a clean Debian 12 machine lacks for Loupe's tests: Chromium for the browser tests and
# pgvector for the running PostgreSQL (not packaged for Debian 12's PostgreSQL 15, so built from
# Debian trixie's source package). Idempotent: skips whatever is already there.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
pg_version=$(ls /etc/postgresql | sort -V | tail -n 1)
apt_updated=0
apt_update_once() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
}

if [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing chromium"
  apt_update_once
  apt-get install -y -qq chromium >/dev/null
fi

if [ ! -f "/usr/share/postgresql/$pg_version/extension/vector.control" ]; then
  echo "setup: building pgvector for PostgreSQL $pg_version"
  if ! grep -rqs "trixie" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    # The same mirror apt already uses, so this repository names no package host.
    mirror=$(bash "$(dirname "${BASH_SOURCE[0]}")/apt-mirror.sh")
    if [ -z "$mirror" ]; then echo "setup: no Debian mirror found in /etc/apt sources" >&2; exit 1; fi
    echo "deb-src $mirror trixie main" > /etc/apt/sources.list.d/trixie-src.list
  fi
  apt_updated=0
  apt_update_once
  apt-get install -y -qq build-essential dpkg-dev "postgresql-server-dev-$pg_version" >/dev/null
  build_dir=$(mktemp -d)
  (cd "$build_dir" && apt-get source -qq pgvector >/dev/null 2>&1 && cd pgvector-*/ \
    && make -s PG_CONFIG="/usr/lib/postgresql/$pg_version/bin/pg_config" OPTFLAGS="" >/dev/null \
    && make -s install PG_CONFIG="/usr/lib/postgresql/$pg_version/bin/pg_config" >/dev/null)
  rm -rf "$build_dir"
fi

if ! pg_lsclusters -h | grep -q online; then
  echo "setup: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
fi
echo "setup: machine ready (chromium, pgvector for PostgreSQL $pg_version)"
