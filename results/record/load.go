package record

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The names inside a result folder, as `stratbench sweep` and `stratbench
// merge` write it.
const (
	// FolderCSV is the folder's CSV of schema SchemaVersion.
	FolderCSV = "results.csv"
	// FolderHosts is the folder's hosts.json: the server's and the client's
	// fingerprints.
	FolderHosts = "hosts.json"
	// FolderHist is the folder's subfolder of trial files.
	FolderHist = "hist"
)

// Source is one input of a report, comparison, export or merge, read: a
// result folder or a single CSV file.
type Source struct {
	// Path is the folder or file as given.
	Path string
	// CSV is the CSV file read: Path itself, or Path/results.csv for a folder.
	CSV string
	// Rows are the CSV's rows in file order. Their Histogram paths are
	// relative to the CSV's directory; HistogramPath resolves them.
	Rows []Row
	// Hosts is the folder's hosts.json, or nil when there is none (always
	// for a CSV file given directly).
	Hosts *Hosts
}

// HistogramPath returns the path of r's trial file, r being one of s.Rows:
// r.Histogram resolved against the CSV's directory, or "" when r names
// none.
func (s *Source) HistogramPath(r Row) string {
	if r.Histogram == "" {
		return ""
	}
	p := filepath.FromSlash(r.Histogram)
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(s.CSV), p)
}

// Load reads path, a result folder (its results.csv and, when present, its
// hosts.json) or a CSV file of schema SchemaVersion. Errors name the file.
// A CSV whose last line is cut short returns the Source with the rows before
// that line and an error wrapping ErrTruncatedRow, as ReadCSV does; any
// other error returns a nil Source.
func Load(path string) (*Source, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load results: %w", err)
	}
	s := &Source{Path: path, CSV: path}
	if st.IsDir() {
		s.CSV = filepath.Join(path, FolderCSV)
		h, err := ReadHostsFile(filepath.Join(path, FolderHosts))
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("load results %s: %w", path, err)
		default:
			s.Hosts = h
		}
	}
	rows, err := ReadCSVFile(s.CSV)
	if err != nil && !errors.Is(err, ErrTruncatedRow) {
		return nil, fmt.Errorf("load results: %w", err)
	}
	s.Rows = rows
	if err != nil {
		return s, fmt.Errorf("load results: %w", err)
	}
	return s, nil
}

// LoadSources calls Load on each path in order and returns the sources. It
// stops at the first error, returning it; a truncated last row is an error
// too, since a report over a damaged file would silently miss a trial.
func LoadSources(paths ...string) ([]*Source, error) {
	if len(paths) == 0 {
		return nil, errors.New("load results: no folder or CSV file given")
	}
	out := make([]*Source, 0, len(paths))
	for _, p := range paths {
		s, err := Load(p)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// LoadRows reads each path, a result folder or a CSV file, as Load does, and
// returns all their rows concatenated in argument order. A row's Histogram
// path stays relative to its own CSV's directory; use LoadSources when the
// trial files are needed. Any error, a truncated last row included, is
// returned with nil rows.
func LoadRows(paths ...string) ([]Row, error) {
	srcs, err := LoadSources(paths...)
	if err != nil {
		return nil, err
	}
	var rows []Row
	for _, s := range srcs {
		rows = append(rows, s.Rows...)
	}
	return rows, nil
}
