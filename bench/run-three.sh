#!/usr/bin/env bash
# Issue 15 "done when": three full runs of the benchmark with the agent-framework peers, then one verdict per goal.
#   bench/run-three.sh [OUT_DIR]        (default: the current folder; writes out1.json..out3.json and run1.log..run3.log)
# Each run is `dotnet run -c Release --project bench/Acode.Benchmarks -- --json outN.json --peers` (the full sizes: hours
# on a 2-core machine; run it when the machine is quiet). The table at the end (bench/verdicts.py) is markdown, ready for
# docs/performance.md, "Issue 15: runs and verdicts".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-.}" && cd "${1:-.}" && pwd)"
dotnet build -c Release "$root/bench/Acode.Benchmarks" -v quiet -nologo
for n in 1 2 3; do
  echo "== run $n of 3, $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg)"
  dotnet run -c Release --no-build --project "$root/bench/Acode.Benchmarks" -- --json "$out/out$n.json" --peers 2>&1 | tee "$out/run$n.log"
done
if command -v python3 >/dev/null; then
  python3 "$root/bench/verdicts.py" "$out/out1.json" "$out/out2.json" "$out/out3.json"
else
  echo "python3 is missing: run bench/verdicts.py on out1.json out2.json out3.json elsewhere." >&2
fi
