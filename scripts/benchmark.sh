#!/usr/bin/env bash
# Runs one benchmark mode against the real servers: bash scripts/benchmark.sh flags | kill-switch | shadow | comparator | telemetry | telemetry-flag | telemetry-census | load | hops [durable seconds] | hops-peer [rounds] | timeline | first-token | load-profile [status] [seconds] | retrieval | chat50 | quality
# hops-peer alternates `hops` with the WolverineFx peer of ../shared/peer-bench (same chains, clients, warm-up and
# measure) and prints, per round, each chain's requests/s beside the peer's and their ratio, all from the same run.
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
bash scripts/infra.sh up
eval "$(bash scripts/infra.sh env)"

if [ "${1:-}" != hops-peer ]; then
  exec dotnet run -c Release --project benchmarks/Benchmarks -- "$@"
fi

rounds=${2:-2}
peer="$repo_root/../shared/peer-bench/run.sh"
[ -f "$peer" ] || { echo "no $peer: the peer benchmark sits in ../shared/peer-bench beside the repository" >&2; exit 1; }
# The peer's warm-up and measure match the hop chain's (LoadBenchmark.HopChainWarmup, LoadBenchmark.Measure).
peer_timing=(--warmup 15 --measure 20)
out=$(mktemp -d)
dotnet build benchmarks/Benchmarks -c Release -nologo -clp:ErrorsOnly
for round in $(seq 1 "$rounds"); do
  echo "=== round $round: hops"
  dotnet run --no-build -c Release --project benchmarks/Benchmarks -- hops | tee "$out/ours-$round.txt"
  echo "=== round $round: peer"
  bash "$peer" off none,consumers,durable,durable-tx "${peer_timing[@]}" | tee "$out/peer-$round.txt"
  bash "$peer" shadow none,consumers,durable "${peer_timing[@]}" | tee -a "$out/peer-$round.txt"
done

python3 - "$out" "$rounds" <<'PY'
import re, sys
folder, rounds = sys.argv[1], int(sys.argv[2])
line = re.compile(r"^(\S.*?)\s+\d+ clients:\s+([\d.]+) requests/s")
def read(path):
    found = {}
    for text in open(path, encoding="utf-8"):
        m = line.match(text)
        if m:
            found[m.group(1).strip()] = float(m.group(2))
    return found
# Our chain, the peer's closest chain, and the peer's chain whose handler writes in a transaction (the closer promise).
rows = [("flag-off, no database", "hops", "hops", None),
        ("flag-off, durable consumers", "durable consumers", "durable consumers", None),
        ("flag-off, durable caller and consumers", "durable hops", "durable hops", "durable hops (handler tx)"),
        ("shadow, no database", "shadow hops", "shadow hops", None),
        ("shadow, durable consumers", "shadow durable consumers", "shadow durable consumers", None),
        ("shadow, durable caller and consumers", "shadow durable hops", "shadow durable hops", None)]
def cell(ours, theirs):
    return f"{theirs:,.0f} | {ours / theirs:.2f}x" if ours and theirs else "- | -"
for r in range(1, rounds + 1):
    ours, peer = read(f"{folder}/ours-{r}.txt"), read(f"{folder}/peer-{r}.txt")
    print(f"\nround {r} (requests/s; ratio = ours / peer)")
    print("| chain | ours | peer durable-level | ratio | peer durable-tx | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, mine, same, tx in rows:
        o = ours.get(mine)
        print(f"| {name} | {o:,.0f} | {cell(o, peer.get(same))} | {cell(o, peer.get(tx)) if tx else '- | -'} |" if o else f"| {name} | - | - | - | - | - |")
PY
