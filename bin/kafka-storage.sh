#!/usr/bin/env sh
# kafka-storage.sh: Kafka's name and flags for `sluice storage` (see packages/cli/README.md).
here=$(dirname "$(readlink -f "$0" 2>/dev/null || echo "$0")")
exec "$here/sluice" storage "$@"
