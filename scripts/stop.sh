#!/usr/bin/env bash
# Stops the services started by run.sh; with --all also the PostgreSQL and RabbitMQ servers.
set -uo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
# Only this instance's processes (PIPELINE_INSTANCE, see infra.sh); the servers are shared, so --all stops them for every instance.
for pid_file in "$repo_root"/.run${PIPELINE_INSTANCE:+/instances/$PIPELINE_INSTANCE}/pids/*.pid; do
  [ -f "$pid_file" ] || continue
  pid=$(cat "$pid_file")
  kill "$pid" 2>/dev/null && echo "[stop] $(basename "$pid_file" .pid)"
  rm -f "$pid_file"
done
[ "${1:-}" = "--all" ] && bash "$repo_root/scripts/infra.sh" down
exit 0
