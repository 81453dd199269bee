#!/usr/bin/env sh
# kafka-metadata-quorum.sh: Kafka's name and flags for `sluice metadata-quorum` (see packages/cli/README.md).
here=$(dirname "$(readlink -f "$0" 2>/dev/null || echo "$0")")
exec "$here/sluice" metadata-quorum "$@"
