#!/usr/bin/env bash
# Runs one benchmark mode against the real servers: bash scripts/benchmark.sh flags | kill-switch | shadow | comparator | telemetry | telemetry-flag | telemetry-census | load | hops [durable seconds] | timeline | load-profile [status] [seconds] | retrieval | chat50 | quality
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
bash scripts/infra.sh up
eval "$(bash scripts/infra.sh env)"
dotnet run -c Release --project benchmarks/Benchmarks -- "$@"
