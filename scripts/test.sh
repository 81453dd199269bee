#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, then runs every unit and integration
# test with Node's built-in runner. Extra arguments are passed to `node --test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh --clients

echo "==> lint (eslint: strict types everywhere, purity of */src/core/**)"
npx eslint .

mapfile -t files < <(find packages/*/dist/test test/dist -name '*.test.js' 2>/dev/null | sort)
if [ ${#files[@]} -eq 0 ]; then
  echo "no test files found" >&2
  exit 1
fi
exec node --test --test-concurrency=1 --test-timeout=600000 "$@" "${files[@]}"
