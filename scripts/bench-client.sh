#!/usr/bin/env bash
# bench-client.sh: the load client's whole-process targets, measured with
# the real binary against a local server on 127.0.0.1.
#
#  1. Open loop holds 5 000 requests/s for 10 s with < 1 % late sends.
#  2. Client memory does not grow with run length: peak RSS (ru_maxrss at
#     exit) of a 60 s open-loop run ≤ 1.2 × that of a 10 s run.
#
# Usage: scripts/bench-client.sh [SHORT LONG]   (default 10s 60s)
# Prints one line per run and a verdict per target; exits 1 if one is missed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
short="${1:-10s}"
long="${2:-60s}"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
bin="$work/stratbench"
(cd "$root" && go build -o "$bin" ./cmd/stratbench)

"$bin" serve --addr 127.0.0.1:0 --print-addr >"$work/addr" 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do [ -s "$work/addr" ] && break; sleep 0.1; done
addr="$(head -n 1 "$work/addr")"
[ -n "$addr" ] || { echo "bench-client: server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }

# run DURATION: one open-loop trial of trivial jobs at 5 000/s; prints
# "late_pct peak_rss_kib requests send_lag_p99_ms". Peak RSS is the
# client's own ru_maxrss, read once by a python parent from
# getrusage(RUSAGE_CHILDREN) after the client exits: nothing samples the
# client while it runs, so the check does not disturb what it checks.
run() {
	python3 - "$work/rss" "$bin" run --target "$addr" --strategy serial --workload cpu --tasks 1 --cpu-iterations 1 \
		--rate 5000 --max-in-flight 1000 --duration "$1" --warmup 1s --json >"$work/out.json" 2>"$work/run.log" <<'PY'
import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)  # KiB on Linux
sys.exit(rc)
PY
	python3 - "$work/out.json" "$(cat "$work/rss")" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
t = s["trials"][0]
sent = max(t.get("requests", 0) + t.get("unsent", 0), 1)
print("%.3f %s %d %.3f" % (100.0 * t.get("late_sends", 0) / sent, sys.argv[2], t.get("requests", 0), t.get("send_lag_p99_ms", float("nan"))))
PY
}

read -r late_s rss_s req_s lag_s < <(run "$short")
echo "open loop 5000/s for $short: $req_s requests, late sends ${late_s}% (send-lag p99 ${lag_s} ms), peak RSS ${rss_s} KiB"
read -r late_l rss_l req_l lag_l < <(run "$long")
echo "open loop 5000/s for $long: $req_l requests, late sends ${late_l}% (send-lag p99 ${lag_l} ms), peak RSS ${rss_l} KiB"

fail=0
if python3 -c "import sys; sys.exit(0 if float('$late_s') < 1 else 1)"; then
	echo "target late sends < 1% at 5000/s: met (${late_s}%, send-lag p99 ${lag_s} ms)"
else
	echo "target late sends < 1% at 5000/s: MISSED (${late_s}%, send-lag p99 ${lag_s} ms)"; fail=1
fi
ratio="$(python3 -c "print('%.2f' % ($rss_l / $rss_s))")"
if python3 -c "import sys; sys.exit(0 if $rss_l <= 1.2 * $rss_s else 1)"; then
	echo "target RSS($long) ≤ 1.2 × RSS($short): met (ratio $ratio)"
else
	echo "target RSS($long) ≤ 1.2 × RSS($short): MISSED (ratio $ratio)"; fail=1
fi
exit "$fail"
