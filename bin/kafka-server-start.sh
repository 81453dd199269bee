#!/usr/bin/env sh
# kafka-server-start.sh [-daemon] server.properties [--override key=value]...: `sluice server start`
# with Kafka's arguments. -daemon runs the node in the background, its output in
# $LOG_DIR/sluice-server.out (LOG_DIR defaults to logs/ at the repository root) and its process id
# in $LOG_DIR/sluice-server.pid.
here=$(dirname "$(readlink -f "$0" 2>/dev/null || echo "$0")")
if [ $# -lt 1 ]; then
  echo "USAGE: $0 [-daemon] server.properties [--override property=value]*" >&2
  exit 1
fi
daemon=no
if [ "$1" = "-daemon" ]; then
  daemon=yes
  shift
fi
if [ "$daemon" = "no" ]; then
  exec "$here/sluice" server start "$@"
fi
log_dir=${LOG_DIR:-"$here/../logs"}
mkdir -p "$log_dir" || exit 1
nohup "$here/sluice" server start "$@" > "$log_dir/sluice-server.out" 2>&1 < /dev/null &
echo $! > "$log_dir/sluice-server.pid"
