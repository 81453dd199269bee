#!/usr/bin/env sh
# kafka-console-producer.sh: Kafka's name and flags for `sluice console-producer` (see packages/cli/README.md).
here=$(dirname "$(readlink -f "$0" 2>/dev/null || echo "$0")")
exec "$here/sluice" console-producer "$@"
