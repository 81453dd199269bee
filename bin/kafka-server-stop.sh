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

# The value of `key` for one node: its last --override wins over its config file, as in the node
# itself. Prints nothing when the key is set in neither; fails (status 1) when the node's config
# file cannot be read, so that a filter never guesses.
setting() { # pid key
  args=$(tr '\0' '\n' < "/proc/$1/cmdline" 2>/dev/null) || return 1
  key_re=$(printf '%s' "$2" | sed 's/\./\\./g')
  value=$(printf '%s\n' "$args" | sed -n "s/^\(--override=\)\{0,1\}$key_re=//p" | tail -n 1)
  if [ -n "$value" ]; then printf '%s' "$value"; return 0; fi
  config=$(printf '%s\n' "$args" | sed -n '/^start$/{n;p;}' | grep -v '^--' | head -n 1)
  [ -z "$config" ] && return 0
  case "$config" in /*) ;; *) config="/proc/$1/cwd/$config" ;; esac
  [ -r "$config" ] || return 1
  # As the node reads it: key=value or key: value, a trailing backslash continues the line, CRLF
  # line ends and surrounding blanks ignored.
  tr -d '\r' < "$config" | sed -e ':a' -e '/\\$/{N;s/\\\n[[:space:]]*//;ba' -e '}' \
    | sed -n "s/^[[:space:]]*$key_re[[:space:]]*[=:][[:space:]]*//p" | sed 's/[[:space:]]*$//' | tail -n 1
}

pids=""
# The pattern does not match grep's own command line (a "]" precedes "sluice" there).
for pid in $(ps ax -o pid= -o args= | grep -E '[/ ]sluice server start( |$)' | awk '{print $1}'); do
  if [ -n "$node_id" ]; then
    if ! id=$(setting "$pid" node.id); then echo "kafka-server-stop.sh: cannot read the config of process $pid; left running" >&2; continue; fi
    [ -z "$id" ] && id=$(setting "$pid" broker.id)
    [ "${id:-1}" = "$node_id" ] || continue
  fi
  if [ -n "$role" ]; then
    if ! roles=$(setting "$pid" process.roles); then echo "kafka-server-stop.sh: cannot read the config of process $pid; left running" >&2; continue; fi
    roles=$(printf '%s' "$roles" | tr -d ' ')
    case ",${roles:-broker,controller}," in *",$role,"*) ;; *) continue ;; esac
  fi
  pids="$pids $pid"
done
if [ -z "$pids" ]; then
  echo "No kafka server to stop"
  exit 1
fi
kill -s "$signal" $pids
