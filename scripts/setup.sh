#!/usr/bin/env bash
# Installs what Lookbook's commands and tests need beyond the .NET SDK. Idempotent and quiet
# when everything is there. Sourced by demo.sh and test.sh.
set -euo pipefail

need_apt=()
# The full Fashion-MNIST (70,000 images) for benchmarks and the README figures; the demo and the
# tests use the small sample shipped in samples/ and do not need it.
if [ "${LOOKBOOK_FULL_DATASET:-0}" = 1 ] && [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  need_apt+=(dataset-fashion-mnist)
fi

# Debian's Chromium for the browser tests (Playwright drives it; nothing is downloaded at test time).
if [ "${LOOKBOOK_SKIP_BROWSER:-0}" != 1 ] && [ ! -x /usr/bin/chromium ]; then
  need_apt+=(chromium)
fi

# PostgreSQL 15 (Debian's) for the tests of the catalog in PostgreSQL: they start their own server in a temporary
# folder on a loopback port (tests/Lookbook.Testing/PostgresServer.cs); nothing is configured system-wide.
if [ "${LOOKBOOK_SKIP_POSTGRES:-0}" != 1 ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need_apt+=(postgresql)
fi

# Redis 7 (Debian's) for the cluster tests' Orleans membership: they start their own server on a loopback port.
if [ "${LOOKBOOK_SKIP_POSTGRES:-0}" != 1 ] && [ ! -x /usr/bin/redis-server ]; then
  need_apt+=(redis-server)
fi

if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "Installing ${need_apt[*]} with apt-get..."
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
