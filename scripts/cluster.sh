#!/usr/bin/env bash
# A local N-node Sluice cluster on 127.0.0.1, every node broker and controller (combined mode),
# with data, configs and logs under .cluster/. Builds what is missing first.
#
#   scripts/cluster.sh up [N]       start N nodes (default 3; formats them on first use)
#   scripts/cluster.sh status       which nodes run, and the metadata quorum
#   scripts/cluster.sh kill ID      kill -9 node ID
#   scripts/cluster.sh stop ID      SIGTERM node ID (controlled shutdown)
#   scripts/cluster.sh start ID     start node ID again
#   scripts/cluster.sh restart ID   stop then start node ID
#   scripts/cluster.sh down         stop every node (SIGTERM)
#   scripts/cluster.sh clean        stop every node and delete .cluster/
#
# Node i listens for Kafka clients on 9090+2i (9092, 9094, 9096, ...) and for the quorum on 9091+2i.
set -euo pipefail
cd "$(dirname "$0")/.."
root=.cluster
sluice() { node bin/sluice "$@"; }

kafka_port() { echo $((9090 + 2 * $1)); }
quorum_port() { echo $((9091 + 2 * $1)); }
node_count() { ls -d "$root"/node-* 2>/dev/null | wc -l; }
pid_of() { cat "$root/node-$1/server.pid" 2>/dev/null || true; }
running() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }
bootstrap() { local n; n=$(node_count); for i in $(seq 1 "$n"); do printf '%s127.0.0.1:%s' "$([ "$i" -gt 1 ] && echo ,)" "$(kafka_port "$i")"; done; }

write_configs() {
  local n=$1 voters=""
  for i in $(seq 1 "$n"); do voters="$voters${voters:+,}$i@127.0.0.1:$(quorum_port "$i")"; done
  for i in $(seq 1 "$n"); do
    mkdir -p "$root/node-$i"
    cat > "$root/node-$i/server.properties" <<CONF
node.id=$i
process.roles=broker,controller
listeners=PLAINTEXT://127.0.0.1:$(kafka_port "$i"),CONTROLLER://127.0.0.1:$(quorum_port "$i")
controller.quorum.voters=$voters
log.dirs=$root/node-$i/data
num.partitions=3
default.replication.factor=$(( n < 3 ? n : 3 ))
min.insync.replicas=$(( n < 3 ? 1 : 2 ))
log.format=json
CONF
  done
}

start_node() {
  local i=$1
  if running "$i"; then echo "node $i already runs (pid $(pid_of "$i"))"; return; fi
  nohup node bin/sluice server start "$root/node-$i/server.properties" >> "$root/node-$i/server.log" 2>&1 &
  echo $! > "$root/node-$i/server.pid"
  echo "node $i started (pid $!), Kafka 127.0.0.1:$(kafka_port "$i"), log $root/node-$i/server.log"
}

stop_node() {
  local i=$1 pid
  pid=$(pid_of "$i")
  if ! running "$i"; then echo "node $i is not running"; return; fi
  kill -TERM "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  echo "node $i stopped"
}

wait_ready() {
  local n=$1
  for i in $(seq 1 "$n"); do
    for _ in $(seq 1 600); do
      grep -q '"msg":"broker started"' "$root/node-$i/server.log" 2>/dev/null && break
      running "$i" || { echo "node $i exited; see $root/node-$i/server.log" >&2; tail -5 "$root/node-$i/server.log" >&2; exit 1; }
      sleep 0.1
    done
  done
}

cmd=${1:-}
case "$cmd" in
  up)
    n=${2:-3}
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "up: N must be a positive number, not '$n'" >&2; exit 2; }
    # start.sh has just installed and built; run directly, `up` does it itself.
    [ "${SLUICE_DEPS_READY:-}" = 1 ] || bash scripts/ensure-deps.sh
    if [ "$(node_count)" -eq 0 ]; then
      write_configs "$n"
      id=$(sluice storage random-uuid)
      for i in $(seq 1 "$n"); do sluice storage format -t "$id" -c "$root/node-$i/server.properties" >/dev/null; done
      echo "formatted $n nodes for cluster $id"
    elif [ "$(node_count)" -ne "$n" ]; then
      echo "$root holds $(node_count) nodes; run 'scripts/cluster.sh clean' to start over with $n" >&2; exit 2
    fi
    for i in $(seq 1 "$n"); do : > "$root/node-$i/server.log"; start_node "$i"; done
    wait_ready "$n"
    cat <<BANNER

  Sluice cluster of $n nodes is up. Bootstrap servers: $(bootstrap)

  Produce and consume with the Kafka-named tools in bin/ (Ctrl-D ends the producer):
    bin/kafka-topics.sh --bootstrap-server $(bootstrap) --create --topic demo
    bin/kafka-console-producer.sh --bootstrap-server $(bootstrap) --topic demo
    bin/kafka-console-consumer.sh --bootstrap-server $(bootstrap) --topic demo --from-beginning

  or with kcat, if installed:
    echo 'hello sluice' | kcat -P -b $(bootstrap) -t demo
    kcat -C -b $(bootstrap) -t demo -o beginning -e

  Inspect it:  scripts/cluster.sh status      Stop it:  scripts/cluster.sh down
  Fault it:    scripts/cluster.sh kill 1      then      scripts/cluster.sh start 1

BANNER
    ;;
  status)
    n=$(node_count)
    [ "$n" -gt 0 ] || { echo "no cluster in $root; run 'scripts/cluster.sh up'"; exit 0; }
    for i in $(seq 1 "$n"); do
      if running "$i"; then echo "node $i: running (pid $(pid_of "$i")) on 127.0.0.1:$(kafka_port "$i")"; else echo "node $i: down"; fi
    done
    for i in $(seq 1 "$n"); do
      if running "$i"; then sluice metadata-quorum --bootstrap-server "127.0.0.1:$(kafka_port "$i")" --timeout-ms 5000 describe --status || true; break; fi
    done
    ;;
  kill|stop|start|restart)
    id=${2:-}
    [ -d "$root/node-$id" ] || { echo "$cmd: no node '$id' in $root (nodes: 1..$(node_count))" >&2; exit 2; }
    case "$cmd" in
      kill)
        if running "$id"; then
          kill -9 "$(pid_of "$id")"
          for _ in $(seq 1 100); do running "$id" || break; sleep 0.05; done
          echo "node $id killed (kill -9)"
        else
          echo "node $id is not running"
        fi ;;
      stop) stop_node "$id" ;;
      start) start_node "$id" ;;
      restart) stop_node "$id"; start_node "$id" ;;
    esac
    ;;
  down)
    for i in $(seq 1 "$(node_count)"); do stop_node "$i"; done
    ;;
  clean)
    for i in $(seq 1 "$(node_count)"); do stop_node "$i"; done
    rm -rf "$root"
    echo "removed $root"
    ;;
  *)
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    [ -z "$cmd" ] || { echo "unknown command '$cmd'" >&2; exit 2; }
    ;;
esac
