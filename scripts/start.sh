#!/usr/bin/env bash
# Brings up a working local Sluice node from a fresh clone: installs npm packages and the Debian
# Kafka clients if missing, builds, starts one node on 127.0.0.1:9092 with data in ./data, and
# prints how to produce and consume. Ctrl-C stops the node cleanly.
# Extra arguments go to `sluice server start` (e.g. a config file or --override key=value).
set -euo pipefail
cd "$(dirname "$0")/.."

clients=""
[ "$(id -u)" -eq 0 ] && clients="--clients"
bash scripts/ensure-deps.sh $clients

port=9092
for arg in "$@"; do
  case "$arg" in listeners=*) port="${arg##*:}";; esac
done

./bin/sluice server start "$@" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' INT TERM

for _ in $(seq 1 200); do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then break; fi
  kill -0 $pid 2>/dev/null || { wait $pid; exit $?; }
  sleep 0.1
done

cat <<BANNER

  Sluice is running: bootstrap server 127.0.0.1:$port  (data in ./data, Ctrl-C to stop)

  Produce and consume with kcat:
    echo 'hello sluice' | kcat -P -b 127.0.0.1:$port -t demo
    kcat -C -b 127.0.0.1:$port -t demo -o beginning -e

  Or with kafkajs (npm install kafkajs):
    const { Kafka } = require('kafkajs')
    const kafka = new Kafka({ brokers: ['127.0.0.1:$port'] })
    const producer = kafka.producer(); await producer.connect()
    await producer.send({ topic: 'demo', messages: [{ key: 'k', value: 'hello' }] })

BANNER
wait $pid
