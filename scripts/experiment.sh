#!/usr/bin/env bash
# Runs an experiment on the running system (scripts/run.sh) and prints its table:
#   PIPELINE_ADMIN_KEY=<key> bash scripts/experiment.sh [dataset.jsonl] [--variants legacy,workflow] [--flag <flag>] [--name <name>]
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
args=("$@")
# The dataset is read by the verb from the repository root, so a relative path given here is made absolute first.
if [[ $# -gt 0 && $1 != --* ]]; then
  args[0]=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fi
cd "$repo_root"
eval "$(bash scripts/infra.sh env)"
: "${PIPELINE_ADMIN_KEY:?set PIPELINE_ADMIN_KEY to an admin key (scripts/run.sh prints one)}"
dotnet build src/Api -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet src/Api/bin/Release/net10.0/Pipeline.Api.dll experiment "${args[@]}"
