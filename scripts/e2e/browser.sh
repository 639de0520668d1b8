#!/usr/bin/env bash
# browser.sh: the report and compare.html of real smoke sweeps, checked in
# headless Chromium (CI runs this; see .ci/run).
#
# Builds stratbench, runs the smoke matrix twice against local servers
# (every strategy × cpu and io, 1 trial of 1 s each: about 15 s per sweep on
# 2 cores), writes the report of the first and compare.html of the pair,
# then opens both pages with scripts/e2e/browsercheck: offline, no
# console errors, every chart with drawn marks inside its axes, and
# full-page screenshots at 1280 px and 390 px.
#
# Usage: scripts/e2e/browser.sh [ARTIFACTS]   (default: artifacts/browser)
# Needs: go, and chromium (Debian: apt-get install -y chromium); without it
# this fails, since CI must not pass on a check it skipped.
# Leaves in ARTIFACTS: the screenshots (report-*.png, compare-*.png), the
# two pages and the logs.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
art="${1:-$root/artifacts/browser}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$art"
bin="$work/stratbench"

fail() { echo "browser.sh: FAIL: $*" >&2; exit 1; }

(cd "$root" && go build -o "$bin" ./cmd/stratbench && go build -o "$work/browsercheck" ./scripts/e2e/browsercheck)

sweep() {
	if ! "$bin" sweep --matrix smoke --reports "$work/reports-$1" >"$work/sweep-$1.out" 2>"$art/sweep-$1.log"; then
		tail -n 20 "$art/sweep-$1.log" >&2
		fail "sweep $1 failed (log: $art/sweep-$1.log)"
	fi
	tail -n 1 "$work/sweep-$1.out"
}
a="$(sweep a)"
b="$(sweep b)"
[ -d "$a" ] && [ -d "$b" ] || fail "a sweep wrote no folder"

"$bin" report "$a" >"$art/report.log" 2>&1 || { cat "$art/report.log" >&2; fail "report failed"; }
"$bin" compare --out "$work/compare" "$a" "$b" >"$art/compare.log" 2>&1 || { cat "$art/compare.log" >&2; fail "compare failed"; }
mkdir -p "$art/report" "$art/compare"
cp "$a/report.html" "$art/report/report.html"
cp "$work/compare/compare.html" "$art/compare/compare.html"

# The smoke report has a throughput, latency, efficiency and split chart per
# workload (cpu and io); compare.html holds tables, and any chart it gains is
# checked the same way.
"$work/browsercheck" -out "$art" -min-charts 8 "$art/report/report.html"
"$work/browsercheck" -out "$art" "$art/compare/compare.html"
echo "browser.sh: ok; screenshots in $art" >&2
