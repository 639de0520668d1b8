// Package profiles names the server profiles a sweep saves beside its
// histograms and summarizes each one as its hottest functions, the way
// `go tool pprof -top` does.
package profiles

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"

	"github.com/google/pprof/profile"
)

// Dir is the folder, inside a result folder, that holds the profiles.
const Dir = "profiles"

// FileName returns the name of the profile of kind for trial of the cell
// whose file label is cell: "<cell>-t<trial>.<kind>.pb.gz".
func FileName(cell string, trial int, kind string) string {
	return cell + "-t" + strconv.Itoa(trial) + "." + kind + ".pb.gz"
}

// MaxBytes bounds a profile file that Summarize reads.
const MaxBytes = 64 << 20

// Func is one function's share of a profile's total.
type Func struct {
	// Name is the function's name as pprof shows it, such as
	// "github.com/stratbench/stratbench/strategies.(*pool).worker".
	Name string
	// Flat is the share of the total in samples whose innermost frame is
	// this function; Cum the share in samples with this function anywhere
	// in the stack. Both are fractions from 0 to 1.
	Flat, Cum float64
}

// Summary is a profile's hottest functions.
type Summary struct {
	// SampleType and Unit name the value summed, such as "cpu" and
	// "nanoseconds", or "alloc_space" and "bytes" for a heap profile.
	SampleType, Unit string
	// Total is the sum of that value over every sample.
	Total int64
	// ByFlat are the functions with the largest Flat, highest first;
	// ByCum those with the largest Cum, leaving out runtime.goexit and
	// runtime.main, which start every stack. Ties go by name.
	ByFlat, ByCum []Func
}

// rootFrames start stacks; listing them by cumulative share says nothing.
var rootFrames = map[string]bool{"runtime.goexit": true, "runtime.main": true}

// Summarize reads a pprof profile (gzipped or not; at most MaxBytes) from r
// and returns its n hottest functions by flat and by cumulative share. It
// sums the profile's default sample type, or for a heap profile
// alloc_space (a window's allocations), or else the last sample type. It
// returns an error when r does not hold a valid profile or holds more than
// MaxBytes.
func Summarize(r io.Reader, n int) (Summary, error) {
	p, err := parse(r)
	if err != nil {
		return Summary{}, err
	}
	return summarize(p, n)
}

// SummarizeFiles merges the profiles in the files at paths, which must be
// of one kind, and summarizes the result as Summarize does. Errors name the
// file.
func SummarizeFiles(paths []string, n int) (Summary, error) {
	var ps []*profile.Profile
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return Summary{}, fmt.Errorf("profiles: %w", err)
		}
		p, err := parse(f)
		f.Close()
		if err != nil {
			return Summary{}, fmt.Errorf("%s: %w", path, err)
		}
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return Summary{}, errors.New("profiles: no profile to summarize")
	}
	merged, err := profile.Merge(ps)
	if err != nil {
		return Summary{}, fmt.Errorf("profiles: merge %d profiles: %w", len(ps), err)
	}
	return summarize(merged, n)
}

// parse reads one profile of at most MaxBytes from r.
func parse(r io.Reader) (*profile.Profile, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("profiles: read: %w", err)
	}
	if len(b) > MaxBytes {
		return nil, fmt.Errorf("profiles: profile passes %d bytes", MaxBytes)
	}
	p, err := profile.Parse(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	return p, nil
}

// summarize is Summarize of a parsed profile.
func summarize(p *profile.Profile, n int) (Summary, error) {
	if len(p.SampleType) == 0 {
		return Summary{}, errors.New("profiles: profile has no sample types")
	}
	idx := sampleIndex(p)
	s := Summary{SampleType: p.SampleType[idx].Type, Unit: p.SampleType[idx].Unit}
	flat := map[string]int64{}
	cum := map[string]int64{}
	seen := map[string]bool{}
	for _, smp := range p.Sample {
		if idx >= len(smp.Value) {
			continue
		}
		v := smp.Value[idx]
		s.Total += v
		clear(seen)
		leaf := true
		for _, loc := range smp.Location {
			for _, line := range loc.Line { // innermost (inlined) first
				name := "?"
				if line.Function != nil {
					name = line.Function.Name
				}
				if leaf {
					flat[name] += v
					leaf = false
				}
				if !seen[name] {
					seen[name] = true
					cum[name] += v
				}
			}
		}
	}
	s.ByFlat = top(flat, s.Total, n, nil)
	s.ByCum = top(cum, s.Total, n, rootFrames)
	for i := range s.ByFlat {
		s.ByFlat[i].Cum = share(cum[s.ByFlat[i].Name], s.Total)
	}
	for i := range s.ByCum {
		s.ByCum[i].Flat = share(flat[s.ByCum[i].Name], s.Total)
	}
	return s, nil
}

// sampleIndex picks the sample type Summarize sums.
func sampleIndex(p *profile.Profile) int {
	want := p.DefaultSampleType
	for _, st := range p.SampleType {
		if st.Type == "alloc_space" {
			want = "alloc_space"
		}
	}
	for i, st := range p.SampleType {
		if st.Type == want {
			return i
		}
	}
	return len(p.SampleType) - 1
}

// top returns the n names with the largest values, leaving out skip, each
// with its value's share of total in Flat (the caller fixes the field).
func top(values map[string]int64, total int64, n int, skip map[string]bool) []Func {
	type kv struct {
		name string
		v    int64
	}
	var all []kv
	for name, v := range values {
		if !skip[name] && v != 0 {
			all = append(all, kv{name, v})
		}
	}
	slices.SortFunc(all, func(a, b kv) int {
		if c := cmp.Compare(b.v, a.v); c != 0 {
			return c
		}
		return cmp.Compare(a.name, b.name)
	})
	out := make([]Func, 0, min(n, len(all)))
	for _, e := range all[:min(n, len(all))] {
		f := Func{Name: e.name}
		if skip == nil {
			f.Flat = share(e.v, total)
		} else {
			f.Cum = share(e.v, total)
		}
		out = append(out, f)
	}
	return out
}

// share returns v / total, 0 when total is 0.
func share(v, total int64) float64 {
	if total == 0 {
		return 0
	}
	return float64(v) / float64(total)
}
