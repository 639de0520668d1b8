#!/usr/bin/env bash
# flood.sh: issue 13's flood targets, with the real binary on 127.0.0.1.
#
# Starts `stratbench serve` with its default limits and runs TestFlood
# (cmd/stratbench/flood_test.go) against it: 2 000 concurrent
# goroutine-per-task RPCs of 1 000 tasks × 100 000 steps, then of 1 000 ×
# 1 000, each with 20 health probes. Targets: health p99 ≤ 1 s, every
# refusal within 1 s of its send, admitted jobs complete, server peak RSS
# < 1 GiB. Prints the figures; exits 1 if a target is missed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT
bin="$work/stratbench"
(cd "$root" && go build -o "$bin" ./cmd/stratbench)
(cd "$root" && go test -c -o "$work/flood.test" ./cmd/stratbench)

"$bin" serve --addr 127.0.0.1:0 --print-addr ${FLOOD_SERVE_FLAGS:-} >"$work/addr" 2>"$work/serve.log" &
server=$!
for _ in $(seq 300); do [ -s "$work/addr" ] && break; sleep 0.1; done
addr="$(head -n 1 "$work/addr")"
[ -n "$addr" ] || { echo "flood: server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
grep -o 'limits="[^"]*"\|ns_per_iteration=[0-9.]*\|gomaxprocs=[0-9]*' "$work/serve.log" || true

status=0
FLOOD_TARGET="$addr" FLOOD_PID="$server" "$work/flood.test" -test.run '^TestFlood$' -test.count 1 -test.timeout 10m || status=$?
kill -INT "$server"
wait "$server" || true
server=""
exit "$status"
