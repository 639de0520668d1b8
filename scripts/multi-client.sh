#!/usr/bin/env bash
# multi-client.sh: two load clients in lock-step against one local server,
# merged, end to end with the real binary.
#
# Starts `stratbench serve` on 127.0.0.1 (an ephemeral port), computes one
# start time 10 s ahead, runs the smoke matrix (every strategy × cpu and io,
# 1 trial of 1 s) from two clients at once with `sweep --start-at` (slots
# of 0.2 s warm-up + 1 s + a 1 s gap: about 22 s for the 10 trials), merges
# their folders with `stratbench merge`, and checks that
#   - every client ran every trial (none skipped) and merge left none out:
#     their measured windows started within merge's tolerance of 250 ms;
#   - each merged cell's tasks/s equals the sum of the two clients' within
#     1 %, and its load (concurrency) is the sum of theirs.
#
# Usage: scripts/multi-client.sh [WORKDIR]   (default: a fresh temp folder)
# Needs: go, awk. Prints the merged folder last; exits 1 on a failed check.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true' EXIT
bin="$work/stratbench"
fail() { echo "multi-client: FAIL: $*" >&2; exit 1; }

(cd "$root" && go build -o "$bin" ./cmd/stratbench)
"$bin" serve --addr 127.0.0.1:0 --print-addr >"$work/addr" 2>"$work/serve.log" &
server=$!
for _ in $(seq 300); do [ -s "$work/addr" ] && break; sleep 0.1; done
addr="$(head -n 1 "$work/addr")"
[ -n "$addr" ] || { cat "$work/serve.log" >&2; fail "the server did not start"; }

# One instant for both clients, as a scheduler would hand it to each pod.
start="$(date -u -d '+10 seconds' +%Y-%m-%dT%H:%M:%SZ)"
echo "multi-client: server $addr, both clients start at $start" >&2
pids=()
for c in 0 1; do
	"$bin" sweep --target "$addr" --matrix smoke --reports "$work/client-$c" \
		--start-at "$start" --slot-gap 1s >"$work/client-$c.out" 2>"$work/client-$c.log" &
	pids+=($!)
done
for c in 0 1; do
	wait "${pids[$c]}" || { tail -n 20 "$work/client-$c.log" >&2; fail "client $c failed (log: $work/client-$c.log)"; }
	if grep -q skipped "$work/client-$c.log"; then
		grep skipped "$work/client-$c.log" >&2
		fail "client $c skipped trials: the machine is too loaded for 1 s slot gaps"
	fi
done
a="$(tail -n 1 "$work/client-0.out")"
b="$(tail -n 1 "$work/client-1.out")"
"$bin" merge "$work/merged" "$a" "$b" >"$work/merge.out" 2>"$work/merge.log" || { cat "$work/merge.log" >&2; fail "merge failed"; }
grep -q "(0 left out)" "$work/merge.log" || { cat "$work/merge.log" >&2; fail "merge left trials out: windows not in step"; }

# Per cell (strategy, workload, trial): the merged tasks/s against the sum
# of the clients', and the merged concurrency against the sum.
awk -F, '
FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; file++; next }
{
	key = $col["strategy"] "/" $col["workload"] " trial " $col["trial"]
	if (file < 3) { sum[key] += $col["tasks_per_s"]; conc[key] += $col["concurrency"]; next }
	merged[key] = $col["tasks_per_s"]; mconc[key] = $col["concurrency"]
}
END {
	bad = 0; n = 0
	for (k in sum) {
		n++
		if (!(k in merged)) { printf "multi-client: %s missing from the merge\n", k; bad = 1; continue }
		d = merged[k] - sum[k]; if (d < 0) d = -d
		ok = (sum[k] > 0 && d <= 0.01 * sum[k] && mconc[k] == conc[k])
		printf "multi-client: %-32s clients %10.1f tasks/s, merged %10.1f (c=%d) %s\n", k, sum[k], merged[k], mconc[k], ok ? "ok" : "MISMATCH"
		if (!ok) bad = 1
	}
	if (n != 10) { printf "multi-client: %d cells, want 10\n", n; bad = 1 }
	exit bad
}' "$a/results.csv" "$b/results.csv" "$work/merged/results.csv" >&2 || fail "merged throughput is not the sum of the clients'"
echo "multi-client: ok: 10 cells, merged tasks/s = sum of 2 clients' within 1 %" >&2
echo "$work/merged"
