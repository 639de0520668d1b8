#!/usr/bin/env bash
# report.sh: render check of `stratbench report`, end to end.
#
# Builds stratbench, runs a short real sweep against a local server (every
# strategy × cpu, io, mixed × concurrency 1..32, 2 trials of 200 ms: about
# a minute on 2 cores), writes the report, checks that report.html is
# self-contained (no URL, no script, no external style or font) and that
# summary.csv has one row per cell, then opens the page in headless
# Chromium with scripts/e2e/browsercheck.
#
# Usage: scripts/e2e/report.sh [WORKDIR]     (default: a fresh temp folder)
# Needs: go, and chromium (Debian: apt-get install -y chromium) for the
# render; without chromium the render step is skipped with a notice.
# Prints the paths of report.html and the screenshots' folder last.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
bin="$work/stratbench"

fail() { echo "report.sh: FAIL: $*" >&2; exit 1; }

(cd "$root" && go build -o "$bin" ./cmd/stratbench)

cat >"$work/matrix.json" <<'JSON'
{"workloads": ["cpu", "io", "mixed"], "concurrency": [1, 2, 4, 8, 16, 32],
 "duration": "200ms", "warmup": "100ms", "trials": 2}
JSON
# A failing command inside $(...) would end the script silently under set -e,
# so each one's status is caught and its log shown.
if ! "$bin" sweep --matrix "$work/matrix.json" --reports "$work/reports" >"$work/sweep.out" 2>"$work/sweep.log"; then
	tail -n 20 "$work/sweep.log" >&2
	fail "sweep failed (log: $work/sweep.log)"
fi
dir="$(tail -n 1 "$work/sweep.out")"
[ -d "$dir" ] || fail "sweep wrote no folder (see $work/sweep.log)"

if ! "$bin" report "$dir" >"$work/report.out" 2>"$work/report.log"; then
	cat "$work/report.log" >&2
	fail "report failed"
fi
page="$(tail -n 1 "$work/report.out")"
[ "$page" = "$dir/report.html" ] || fail "report printed '$page', want $dir/report.html"
[ -s "$dir/summary.csv" ] || fail "no summary.csv"

# Self-contained: nothing to fetch, nothing to run.
for bad in 'http://' 'https://' '<script' '<link' '@import' 'url('; do
	if grep -qiF -- "$bad" "$page"; then fail "report.html holds '$bad'"; fi
done
svgs="$(grep -o '<svg ' "$page" | wc -l)"
# Three workloads × (throughput, latency, efficiency, split).
[ "$svgs" -eq 12 ] || fail "report.html has $svgs charts, want 12"
for s in serial goroutine-per-task pool semaphore pipeline; do
	grep -qF ">$s<" "$page" || fail "report.html never names strategy $s"
done
cells="$(($(wc -l <"$dir/summary.csv") - 1))"
[ "$cells" -eq 90 ] || fail "summary.csv has $cells cells, want 90"

if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && ! command -v google-chrome >/dev/null; then
	echo "report.sh: chromium not found; skipped the render check" >&2
	echo "$page"
	exit 0
fi
# Offline, no console errors, every chart with marks inside its axes;
# screenshots at 1280 px and 390 px.
(cd "$root" && go run ./scripts/e2e/browsercheck -out "$work/screenshots" -min-charts 12 "$page") ||
	fail "the browser check failed (screenshots in $work/screenshots)"

echo "report.sh: ok: $svgs charts, $cells cells" >&2
echo "$page"
echo "$work/screenshots"
