#!/usr/bin/env bash
# Installs what a clean Debian 12 machine lacks for Loupe's tests: Chromium for the browser tests,
# pgvector for the running PostgreSQL (not packaged for Debian 12's PostgreSQL 15, so built from
# Debian trixie's source package), and a real WordPress for the shop connector tests (Debian's wordpress
# package, PHP's CLI and its MySQL driver, MariaDB; test/wordpress.ts makes a fresh site per test file).
# Idempotent: skips whatever is already there.
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

wordpress_packages=()
[ -f /usr/share/wordpress/wp-settings.php ] || wordpress_packages+=(wordpress)
command -v php >/dev/null || wordpress_packages+=(php-cli)
php -m 2>/dev/null | grep -qx mysqli || wordpress_packages+=(php-mysql)
[ -x /usr/sbin/mariadbd ] || wordpress_packages+=(mariadb-server)
if [ "${#wordpress_packages[@]}" -gt 0 ]; then
  echo "setup: installing ${wordpress_packages[*]}"
  apt_update_once
  apt-get install -y -qq "${wordpress_packages[@]}" >/dev/null
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
if ! mariadb -u root -e 'select 1' >/dev/null 2>&1; then
  echo "setup: starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 100); do mariadb -u root -e 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
  mariadb -u root -e 'select 1' >/dev/null
fi
echo "setup: machine ready (chromium, pgvector for PostgreSQL $pg_version, WordPress with PHP and MariaDB)"
