#!/usr/bin/env bash
# Installs what building and testing Sluice needs, skipping whatever is already there:
# npm packages (npm ci), the TypeScript build, and, with --clients, the Debian Kafka clients
# (kcat, python3-kafka) that the integration tests drive, and the zstd tool the compaction tests use.
set -euo pipefail
cd "$(dirname "$0")/.."

want_clients=0
[ "${1:-}" = "--clients" ] && want_clients=1

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$want_clients" = 1 ]; then
  missing=()
  command -v kcat >/dev/null 2>&1 || missing+=(kcat)
  /usr/bin/python3 -c 'import kafka' >/dev/null 2>&1 || missing+=(python3-kafka)
  # The zstd tool writes the zstd batches the compaction tests feed the cleaner (nothing in Node writes zstd).
  command -v zstd >/dev/null 2>&1 || missing+=(zstd)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing Debian packages: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

echo "==> building (tsc -b)"
npx tsc -b tsconfig.build.json
