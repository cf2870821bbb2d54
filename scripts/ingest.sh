#!/usr/bin/env bash
# Ingests a file or folder into the running system's knowledge base: bash scripts/ingest.sh ../shared/corpus
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
target=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$repo_root"
eval "$(bash scripts/infra.sh env)"
dotnet build src/Api -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet src/Api/bin/Release/net10.0/Pipeline.Api.dll ingest "$target"
