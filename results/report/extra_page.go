package report

import (
	"html/template"
	"slices"
)

// extraPage is the frame of the pages beside report.html (capacity.html,
// latency.html): one self-contained HTML file, no script, with the
// report's chart styles. Its body is the "body" template of the page.
const extraPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="stratbench report">
<title>{{.Title}}</title>
<style>
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1a1a1a; background: #fff; margin: 0 auto; max-width: 980px; padding: 24px 28px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 40px 0 8px; padding-top: 8px; border-top: 1px solid #ddd; }
h3 { font-size: 16px; margin: 24px 0 2px; }
p.meta, p.sub { color: #555; margin: 2px 0; }
.note { color: #555; font-size: 13px; }
svg.chart { width: 100%; height: auto; display: block; margin: 6px 0 4px; font-family: inherit; }
svg .grid { stroke: #e6e6e6; stroke-width: 1; }
svg .axis, svg .tick { stroke: #444; stroke-width: 1; }
svg .ticklabel { font-size: 11px; fill: #333; }
svg .axistitle { font-size: 12px; fill: #222; }
svg .series { fill: none; stroke-width: 2; }
svg .series.dashed { stroke-dasharray: 6 4; }
svg .marker { stroke-width: 1.6; }
svg .achieved { stroke-width: 1.2; stroke-dasharray: 2 3; }
svg .legend { font-size: 12px; fill: #222; }
svg .boundline { stroke: #D55E00; stroke-width: 1.4; stroke-dasharray: 5 4; }
svg .swatch { stroke: #0003; }
svg .barlabel { font-size: 11px; fill: #222; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid #e6e6e6; vertical-align: top; }
th { background: #f5f5f5; font-weight: 600; }
th:first-child, td:first-child { text-align: left; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.fail { color: #a33f00; }
details { margin: 6px 0; }
details summary { cursor: pointer; color: #0057a0; }
</style>
</head>
<body>
{{template "body" .}}
</body>
</html>
`

// extraFuncs are the formatting functions the extra pages' bodies call.
var extraFuncs = template.FuncMap{"rate": sig3, "ms": formatMs, "pct": formatPct}

// newExtraPage returns the page template with body as its "body".
func newExtraPage(body string) *template.Template {
	t := template.Must(template.New("page").Funcs(extraFuncs).Parse(extraPage))
	template.Must(t.New("body").Parse(body))
	return t
}

// strategyLooks gives each strategy name its colour and marker in strategy
// order, as looks does for cell summaries.
func strategyLooks(names []string) map[string]look {
	names = slices.Clone(names)
	slices.SortFunc(names, func(a, b string) int { return rank(strategyOrder, a, b) })
	names = slices.Compact(names)
	m := make(map[string]look, len(names))
	for i, n := range names {
		m[n] = look{Color: palette[i%len(palette)], Marker: i}
	}
	return m
}
