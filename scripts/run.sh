#!/usr/bin/env bash
# Starts the whole system on this machine: infrastructure, schema migration + seed data (flags, sample knowledge
# base), then the three workers and the API in the background. Prints the URL and an admin key.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
url=${PIPELINE_URL:-http://127.0.0.1:5080}
# A named instance (PIPELINE_INSTANCE, see infra.sh) keeps its logs and process ids apart from the default one.
state="$repo_root/.run${PIPELINE_INSTANCE:+/instances/$PIPELINE_INSTANCE}"
logs="$state/logs"
pids="$state/pids"
mkdir -p "$logs" "$pids"

bash scripts/infra.sh up
eval "$(bash scripts/infra.sh env)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bash scripts/stop.sh >/dev/null 2>&1 || true
echo "[run] building"
dotnet build Pipeline.sln -c Release -nologo -clp:ErrorsOnly
bin() { echo "src/$1/bin/Release/net10.0/Pipeline.$1.dll"; }

echo "[run] migrating the schema and loading the sample knowledge base"
dotnet "$(bin Api)" migrate

start() {
  local name=$1; shift
  nohup dotnet "$@" >"$logs/$name.log" 2>&1 &
  echo $! >"$pids/$name.pid"
}
start coordinator "$(bin Coordinator)"
start workers-legacy "$(bin Workers.Legacy)"
start workers-workflow "$(bin Workers.Workflow)"
start api "$(bin Api)" --urls "$url"

for _ in $(seq 1 90); do
  if curl -fsS "$url/health/ready" >/dev/null 2>&1; then
    cat <<MSG

Pipeline is running at $url
  admin key:  $Admin__ApiKeys__0
  ask:        curl -s $url/api/chat -H 'Content-Type: application/json' -d '{"message":"Cos'"'"'è il GDPR?"}'
  flags:      curl -s $url/api/flags -H "Authorization: Bearer $Admin__ApiKeys__0"
  logs:       ${logs#"$repo_root"/}/   stop: bash scripts/stop.sh
MSG
    exit 0
  fi
  sleep 1
done
echo "[run] the API did not become ready; last log lines:" >&2
tail -n 30 "$logs"/*.log >&2
exit 1
