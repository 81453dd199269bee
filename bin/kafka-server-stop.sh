#!/usr/bin/env sh
# kafka-server-stop.sh [--process-role=broker|controller] [--node-id=N]: sends SIGTERM (or $SIGNAL)
# to the Sluice nodes running on this machine, as Kafka's script does for its own; each node hands
# its leaderships away and exits. The filters match the node's config file or its --override flags.
signal=${SIGNAL:-TERM}
role=""
node_id=""
for arg in "$@"; do
  case "$arg" in
    --process-role=*) role=${arg#--process-role=} ;;
    --node-id=*) node_id=${arg#--node-id=} ;;
    *) echo "kafka-server-stop.sh: unknown argument '$arg' (allowed: --process-role=broker|controller, --node-id=N)" >&2; exit 1 ;;
  esac
done
case "$role" in
  ""|broker|controller) ;;
  *) echo "kafka-server-stop.sh: --process-role must be broker or controller, not '$role'" >&2; exit 1 ;;
esac

# The value of `key` for one node: its last --override wins over its config file, as in the node itself.
setting() { # pid key
  args=$(tr '\0' '\n' < "/proc/$1/cmdline" 2>/dev/null)
  value=$(printf '%s\n' "$args" | sed -n "s/^$2=//p" | tail -n 1)
  if [ -z "$value" ]; then
    config=$(printf '%s\n' "$args" | sed -n '/^start$/{n;p;}' | grep -v '^--' | head -n 1)
    [ -n "$config" ] && [ -r "$config" ] && value=$(sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*//p" "$config" | tail -n 1)
  fi
  printf '%s' "$value"
}

pids=""
for pid in $(ps ax -o pid= -o args= | grep -E '[/ ]sluice server start( |$)' | grep -v grep | awk '{print $1}'); do
  if [ -n "$node_id" ]; then
    id=$(setting "$pid" node.id)
    [ -z "$id" ] && id=$(setting "$pid" broker.id)
    [ "${id:-1}" = "$node_id" ] || continue
  fi
  if [ -n "$role" ]; then
    roles=$(setting "$pid" process.roles | tr -d " ")
    case ",${roles:-broker,controller}," in *",$role,"*) ;; *) continue ;; esac
  fi
  pids="$pids $pid"
done
if [ -z "$pids" ]; then
  echo "No kafka server to stop"
  exit 1
fi
kill -s "$signal" $pids
