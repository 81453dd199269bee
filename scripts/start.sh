#!/usr/bin/env bash
# Brings up a working local Sluice cluster from a fresh clone: installs npm packages (and, as root,
# the Debian Kafka clients kcat and python3-kafka) if missing, builds, then starts N combined
# broker+controller nodes on 127.0.0.1 (default 3; Kafka ports 9092, 9094, 9096) with data under
# .cluster/, and prints the bootstrap servers and how to produce and consume.
# `scripts/cluster.sh` stops, kills, restarts and shows the nodes; `scripts/cluster.sh down` stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=""
[ "$(id -u)" -eq 0 ] && clients="--clients"
bash scripts/ensure-deps.sh $clients
SLUICE_DEPS_READY=1 exec bash scripts/cluster.sh up "${1:-3}"
