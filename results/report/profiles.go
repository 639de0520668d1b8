package report

import (
	"strings"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/profiles"
)

// Profile is one cell's server profiles: their files and their hottest
// functions.
type Profile struct {
	// Host and Key name the cell as cell.Summary does.
	Host, Key string
	// Kind is the profiles' kind: cpu, heap, mutex or block.
	Kind string
	// Files link each trial's profile, relative to report.html.
	Files []ProfileFile
	// Top is the hottest functions of the cell's profiles merged; Err,
	// when not "", says why there is none.
	Top profiles.Summary
	Err string
}

// ProfileFile is one trial's profile file.
type ProfileFile struct {
	Trial int
	Href  string // relative to report.html, slash-separated
}

// profileView is one profiled cell as the page shows it.
type profileView struct {
	Title, Color, Kind, Total, Err string
	Files                          []ProfileFile
	ByFlat, ByCum                  []funcRow
}

// funcRow is one hot function.
type funcRow struct {
	Name, Flat, Cum string
	// Own marks stratbench's own strategy and workload code.
	Own bool
}

// ownCode are the packages whose functions the report marks as the
// strategy's and workload's own code.
var ownCode = []string{"/stratbench/strategies.", "/stratbench/workload."}

// profileViews lays out ps in the order of cells.
func profileViews(ps []Profile, cells []cell.Summary, manyHosts bool) []profileView {
	lk := looks(cells)
	var out []profileView
	for _, c := range cells {
		for _, p := range ps {
			if p.Host != c.Host || p.Key != c.Key {
				continue
			}
			title := cell.Label(c)
			if manyHosts {
				title += " on " + c.Host
			}
			v := profileView{Title: title, Color: lk[c.Strategy].Color, Kind: p.Kind, Err: p.Err, Files: p.Files}
			if p.Err == "" {
				v.Total = profileTotal(p.Top)
				v.ByFlat, v.ByCum = funcRows(p.Top.ByFlat), funcRows(p.Top.ByCum)
			}
			out = append(out, v)
		}
	}
	return out
}

// profileTotal describes what a profile's percentages are of.
func profileTotal(s profiles.Summary) string {
	switch s.Unit {
	case "nanoseconds":
		return s.SampleType + ", " + formatMs(float64(s.Total)/1e6)
	case "bytes":
		return s.SampleType + ", " + formatSI(float64(s.Total)) + "B"
	}
	return s.SampleType + ", " + formatSI(float64(s.Total)) + " " + s.Unit
}

func funcRows(fs []profiles.Func) []funcRow {
	out := make([]funcRow, len(fs))
	for i, f := range fs {
		own := false
		for _, p := range ownCode {
			own = own || strings.Contains(f.Name, p)
		}
		out[i] = funcRow{Name: f.Name, Flat: formatPct(f.Flat), Cum: formatPct(f.Cum), Own: own}
	}
	return out
}
