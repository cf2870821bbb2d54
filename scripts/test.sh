#!/usr/bin/env bash
# Runs every test project against the real PostgreSQL and RabbitMQ that infra.sh starts, one project at a time,
# and ends with one line "N passed, N failed" summed over all projects. Extra arguments go to `dotnet test`.
set -uo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
results="$repo_root/artifacts/test-results"

bash scripts/infra.sh up || { echo "infrastructure failed to start"; echo "0 passed, 1 failed"; exit 1; }
eval "$(bash scripts/infra.sh env)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

rm -rf "$results"
mkdir -p "$results"

if ! dotnet build Pipeline.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

projects=()
while IFS= read -r project; do
  grep -q 'Microsoft.NET.Test.Sdk' "$project" && projects+=("$project")
done < <(find tests -name '*.csproj' | sort)

crashed=0
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  echo "=== $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" "$@" || true
  if [ ! -f "$results/$name.trx" ]; then
    echo "!!! $name produced no results (crashed before reporting)"
    crashed=$((crashed + 1))
  fi
done

# What tests wrote through their output helper (phase times, outcome histograms), short enough to be notes rather than
# captured logs: the console logger shows them only for failures, and a slow pass is worth seeing too. Then which tests
# failed and the first line of why, just above the summary, where a truncated log still shows them.
python3 - "$results" <<'PY'
import glob, sys
import xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
results = []
for path in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    try:
        results += ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns)
    except ET.ParseError:
        continue
for result in results:
    out = result.find("t:Output/t:StdOut", ns)
    if out is not None and out.text and len(out.text) <= 1000:
        print(f"--- {result.get('testName')} [{result.get('outcome')}, {result.get('duration')}]")
        print(out.text.rstrip())
for result in results:
    if result.get("outcome") not in ("Passed", "NotExecuted"):
        message = result.find("t:Output/t:ErrorInfo/t:Message", ns)
        first = (message.text or "").strip().splitlines()[0][:300] if message is not None and message.text else ""
        print(f"FAILED {result.get('testName')}: {first}")
PY

read -r passed failed < <(python3 - "$results" <<'PY'
import glob, re, sys
passed = failed = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    text = open(path, encoding="utf-8", errors="replace").read()
    m = re.search(r'<Counters\b[^>]*>', text)
    if not m:
        failed += 1
        continue
    attrs = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
    passed += int(attrs.get("passed", 0))
    failed += int(attrs.get("failed", 0)) + int(attrs.get("error", 0)) + int(attrs.get("timeout", 0)) + int(attrs.get("aborted", 0))
print(passed, failed)
PY
)
failed=$((failed + crashed))
if [ "${#projects[@]}" -eq 0 ] || [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "no tests ran"
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
