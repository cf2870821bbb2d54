#!/usr/bin/env bash
# Runs one benchmark mode against the real servers: bash scripts/benchmark.sh flags | kill-switch | shadow | comparator | telemetry | telemetry-flag | telemetry-census | load | hops [durable seconds] | hops-peer [rounds] [warm-up seconds] | hops-wire [seconds] | load-wire [status] [seconds] | timeline | first-token | embedding | load-profile [status] [seconds] | retrieval | chat50 | quality | quality-retrieval
# hops-peer alternates `hops` with the WolverineFx peer of ../shared/peer-bench (same chains, clients, warm-up and
# measure) and prints, per round, each chain's requests/s beside the peer's and their ratio, all from the same run.
# hops-wire holds the durable flag-off chain (`hops durable`) under strace and counts, per request, the round trips to
# PostgreSQL (writes that end with a Sync or a simple query: what Npgsql prepends travels with the next command) and
# the statements executed, by their text; requests are the bus outbox rows inserted (one per request).
# load-wire [status] [seconds] does the same for the whole pipeline under `load-profile` (default disabled, 15 s; the
# JIT-settled warm-up is traced too): requests are the archive rows inserted, and the round trips that carry a knowledge
# search are counted per cache miss (semantic-cache rows inserted: the load mix repeats seven questions).
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
bash scripts/infra.sh up
eval "$(bash scripts/infra.sh env)"

if [ "${1:-}" = hops-wire ] || [ "${1:-}" = load-wire ]; then
  command -v strace >/dev/null || { echo "$1 needs strace" >&2; exit 1; }
  port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$ConnectionStrings__Pipeline")
  trace=$(mktemp)
  if [ "$1" = hops-wire ]; then
    run=(hops durable "${2:-10}") shown="requests/s" per_request='INSERT INTO "?outbox_state"?'
  else
    run=(load-profile "${2:-disabled}" "${3:-15}") shown="^profile:" per_request='INSERT INTO "?chat_requests"?'
  fi
  dotnet build benchmarks/Benchmarks -c Release -nologo -clp:ErrorsOnly
  strace -f -qq -yy -xx -s 65536 -e trace=sendto,sendmsg,write -o "$trace" \
    dotnet benchmarks/Benchmarks/bin/Release/net10.0/Benchmarks.dll "${run[@]}" | grep "$shown"
  python3 - "$trace" "${port:-5432}" "$per_request" <<'PY'
import collections, re, sys
write = re.compile(r'^\d+\s+(?:sendto|write|sendmsg)\(\d+<TCP:\[[\d.]+:(\d+)->[\d.]+:' + sys.argv[2] + r'\]>, "((?:\\x[0-9a-f]{2})*)"')
# A knowledge search: its savepoint or timeout, or a keyword (@@) or vector (<=>) query over the passages.
search = re.compile(r'knowledge_search|statement_timeout|FROM chunks AS c.*(<=>|@@)', re.S)
names, pending, executed, round_trips = {}, {}, collections.Counter(), 0
trip, search_trips = collections.defaultdict(list), 0
for text in open(sys.argv[1], errors="replace"):
    m = write.match(text)
    if not m:
        continue
    port, data = m.group(1), bytes.fromhex(m.group(2).replace("\\x", ""))
    # A connection's first write is its startup packet (or SSL request): no type byte.
    if port not in pending and data[4:8] in (b"\x00\x03\x00\x00", b"\x04\xd2\x16\x2f"):
        data = data[int.from_bytes(data[:4], "big"):]
    buffer, i, last = pending.pop(port, b"") + data, 0, ""
    while i + 5 <= len(buffer):
        kind, length = chr(buffer[i]), int.from_bytes(buffer[i + 1:i + 5], "big")
        if i + 1 + length > len(buffer):
            break
        body, i, last = buffer[i + 5:i + 1 + length], i + 1 + length, kind
        if kind == "P":
            name, rest = body.split(b"\0", 1)
            names[(port, name)] = rest.split(b"\0", 1)[0].decode(errors="replace")
        elif kind == "B":
            statement = body.split(b"\0", 2)[1]
            sql = names.get((port, statement), "?")
            executed[" ".join(sql.split())[:100]] += 1
            trip[port].append(sql)
        elif kind == "Q":
            sql = body.split(b"\0", 1)[0].decode(errors="replace")
            executed["(simple) " + " ".join(sql.split())[:90]] += 1
            trip[port].append(sql)
    if i == len(buffer) and last in ("S", "Q"):
        round_trips += 1
        search_trips += any(search.search(sql) for sql in trip.pop(port, []))
    pending[port] = buffer[i:]
requests = sum(n for sql, n in executed.items() if re.match(sys.argv[3], sql)) or 1
print(f"{requests} requests: {round_trips / requests:.2f} round trips and {sum(executed.values()) / requests:.2f} statements per request")
misses = sum(n for sql, n in executed.items() if re.match(r'INSERT INTO "?semantic_cache"?', sql))
if misses:
    print(f"{misses} cache misses: {search_trips / misses:.2f} round trips with a knowledge search per miss")
for sql, n in executed.most_common(28):
    print(f"{n / requests:6.2f}  {sql}")
PY
  rm -f "$trace"
  exit 0
fi

if [ "${1:-}" != hops-peer ]; then
  exec dotnet run -c Release --project benchmarks/Benchmarks -- "$@"
fi

rounds=${2:-2}
# Warm-up per chain on both sides (default 45 s, as `hops` alone); HOPS_WARMUP_SECONDS tells our side.
export HOPS_WARMUP_SECONDS=${3:-45}
peer="$repo_root/../shared/peer-bench/run.sh"
[ -f "$peer" ] || { echo "no $peer: the peer benchmark sits in ../shared/peer-bench beside the repository" >&2; exit 1; }
# The peer's warm-up and measure match the hop chain's (LoadBenchmark.HopChainWarmup, LoadBenchmark.Measure).
peer_timing=(--warmup "$HOPS_WARMUP_SECONDS" --measure 20)
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
