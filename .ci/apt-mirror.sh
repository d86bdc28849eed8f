#!/usr/bin/env bash
# Prints the Debian mirror this machine's apt already uses (the URI of its first `deb` source for the main
# archive, not the security one), read from one-line sources.list files and deb822 *.sources files alike, so
# the repository names no package host. Usage: apt-mirror.sh [APT_ETC_DIR] (default /etc/apt).
set -euo pipefail

apt_etc=${1:-/etc/apt}
shopt -s nullglob

one_line() {
  # deb [options] URI suite components…
  awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ } print $i, $(i + 1) }' "$@"
}

deb822() {
  # Stanzas separated by blank lines; a stanza with Types containing deb gives each of its URIs with its first suite.
  awk 'BEGIN { RS = ""; FS = "\n" }
    {
      types = ""; uris = ""; suites = ""
      for (n = 1; n <= NF; n++) {
        split($n, kv, ":"); key = tolower(kv[1]); value = substr($n, length(kv[1]) + 2); gsub(/^[ \t]+|[ \t]+$/, "", value)
        if (key == "types") types = value; else if (key == "uris") uris = value; else if (key == "suites") suites = value
      }
      if (types ~ /(^| )deb( |$)/) { split(uris, list, /[ \t]+/); split(suites, s, /[ \t]+/); for (u in list) print list[u], s[1] }
    }' "$@"
}

{
  lists=("$apt_etc"/sources.list "$apt_etc"/sources.list.d/*.list)
  sources=("$apt_etc"/sources.list.d/*.sources)
  existing=()
  for file in "${lists[@]}"; do [ -f "$file" ] && existing+=("$file"); done
  if [ ${#existing[@]} -gt 0 ]; then one_line "${existing[@]}"; fi
  if [ ${#sources[@]} -gt 0 ]; then deb822 "${sources[@]}"; fi
} | awk '$2 !~ /-security$/ && $1 !~ /security/ { sub(/\/+$/, "", $1); print $1; exit }'
