#!/usr/bin/env bash
# kafka-consumer-groups.sh for Sluice: Kafka's flags and output, served by `sluice consumer-groups`.
# Example: bin/kafka-consumer-groups.sh --bootstrap-server 127.0.0.1:9092 --describe --group my-app
# Run `npm ci && npm run build` once first.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
exec node "$here/sluice" consumer-groups "$@"
