#!/usr/bin/env bash
# fuzz.sh: run every fuzz target of the module for FUZZTIME each.
#
# The targets are found with `go test -list '^Fuzz' ./...`, so a new one
# runs without editing this script. A target fails the run when it finds a
# failing input (written to PKG/testdata/fuzz/TARGET/, commit it with the
# fix) or fails on its seed corpus.
#
# One failure is not a finding: with a duration -fuzztime, Go's fuzzing
# coordinator can end a clean run with a bare "context deadline exceeded"
# when a loaded machine keeps a worker from stopping in time
# (golang/go#75804, fixed in Go 1.27). Such a run, which wrote no input and
# reported nothing else, is counted as a flake and does not fail.
#
# Usage: scripts/fuzz.sh    (env: FUZZTIME, default 10s; GO, default go)
# Prints each target's time and a total last.
set -euo pipefail
cd "$(dirname "$0")/.."
go="${GO:-go}"
fuzztime="${FUZZTIME:-10s}"

# "PKG,TARGET" per line: -list prints a package's names before its "ok" line.
targets="$("$go" test -list '^Fuzz' ./... | awk '/^Fuzz/ { f[n++] = $1; next }
	/^ok/ { for (i = 0; i < n; i++) print $2 "," f[i]; n = 0 }')"
if [ -z "$targets" ]; then
	echo "fuzz: no fuzz targets found" >&2
	exit 1
fi

start=$SECONDS
n=0
flakes=0
for t in $targets; do
	pkg="${t%,*}"
	target="${t#*,}"
	corpus="$("$go" list -f '{{.Dir}}' "$pkg")/testdata/fuzz/$target"
	before="$(find "$corpus" -type f 2>/dev/null | sort || true)"
	t0=$SECONDS
	n=$((n + 1))
	echo "== $target ($pkg) for $fuzztime"
	if out="$("$go" test -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" -fuzzminimizetime "${FUZZMINIMIZETIME:-1s}" "$pkg" 2>&1)"; then
		echo "$out" | grep -E '^fuzz: elapsed' | tail -n 1 || true
	else
		after="$(find "$corpus" -type f 2>/dev/null | sort || true)"
		if [ "$before" = "$after" ] &&
			grep -qx '    context deadline exceeded' <<<"$out" &&
			! grep -q -e 'Failing input written' -e 'failure while testing seed corpus' -e 'panic:' <<<"$out"; then
			echo "$out" | grep -E '^fuzz: elapsed' | tail -n 1 || true
			echo "   flake: Go's fuzzing coordinator missed its own deadline (golang/go#75804); no input failed"
			flakes=$((flakes + 1))
		else
			echo "$out"
			echo "fuzz: $target ($pkg) failed" >&2
			exit 1
		fi
	fi
	echo "   $target: $((SECONDS - t0)) s"
done
echo "fuzz: $n targets, $fuzztime each, in $((SECONDS - start)) s ($flakes coordinator flakes)"
