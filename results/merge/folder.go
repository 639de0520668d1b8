package merge

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/stratbench/stratbench/internal/atomicfile"
	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/record"
)

// WriteFolder writes trials, merged by Clients from srcs, as a
// result folder dir: a trial file per trial under hist/, then results.csv
// with one row per trial naming its file (so a row never names a missing
// file), then hosts.json. dir is created if needed; a dir that already
// holds a results.csv is refused, since merged rows must not mix with
// others.
//
// hosts.json holds the first input's server fingerprint (from its
// hosts.json, or else from the server columns of its first row), a client
// fingerprint whose hostname is "merged(N)", and under "clients" every
// input's client fingerprint in input order.
func WriteFolder(dir string, srcs []*record.Source, trials []Trial) error {
	csvPath := filepath.Join(dir, record.FolderCSV)
	if _, err := os.Stat(csvPath); err == nil {
		return fmt.Errorf("merge: %s already exists; merge into a new folder", csvPath)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("merge: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, record.FolderHist), 0o755); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	used := map[string]bool{}
	for i := range trials {
		name := mergedFileName(trials[i].Row)
		for n := 2; used[name]; n++ { // two keys with one hash
			name = strings.TrimSuffix(mergedFileName(trials[i].Row), ".sbt") + "-" + strconv.Itoa(n) + ".sbt"
		}
		used[name] = true
		rel := path.Join(record.FolderHist, name)
		if err := histogram.WriteTrialFile(filepath.Join(dir, filepath.FromSlash(rel)), trials[i].Hist); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		trials[i].Row.Histogram = rel
	}
	w, err := record.OpenWriter(csvPath)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	for _, t := range trials {
		if err := w.Write(t.Row); err != nil {
			_ = w.Close() // the write error is the one to report
			return fmt.Errorf("merge: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	hj, err := mergedHostsJSON(srcs)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, record.FolderHosts), hj); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	return nil
}

// mergedFileName names the trial file of merged row r: the cell's
// strategy, workload and load, a hash of its full key (cells can differ in
// parameters the short name leaves out) and the trial, such as
// "pool-cpu-c8-1a2b3c4d-t2.sbt".
func mergedFileName(r record.Row) string {
	h := fnv.New32a()
	h.Write([]byte(r.CellKey()))
	load := "c" + strconv.Itoa(r.Concurrency)
	if r.Mode == "open" {
		load = "r" + strconv.FormatFloat(r.TargetRPS, 'f', -1, 64)
	}
	name := fmt.Sprintf("%s-%s-%s-%08x-t%d.sbt", r.Strategy, r.Workload, load, h.Sum32(), r.Trial)
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			return c
		}
		return '_'
	}, name)
}

// mergedHostsJSON builds the merged folder's hosts.json from the inputs'.
func mergedHostsJSON(srcs []*record.Source) ([]byte, error) {
	var server json.RawMessage
	clients := make([]json.RawMessage, 0, len(srcs))
	for i, s := range srcs {
		sj, cj, err := hostsOf(s)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			server = sj
		}
		clients = append(clients, cj)
	}
	b, err := json.MarshalIndent(struct {
		Server  json.RawMessage   `json:"server"`
		Client  map[string]any    `json:"client"`
		Clients []json.RawMessage `json:"clients"`
	}{server, map[string]any{"hostname": "merged(" + strconv.Itoa(len(srcs)) + ")"}, clients}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode hosts: %w", err)
	}
	return append(b, '\n'), nil
}

// hostsOf returns the raw server and client fingerprints of s: from its
// folder's hosts.json, or else built from the columns of its first row.
func hostsOf(s *record.Source) (server, client json.RawMessage, err error) {
	if s.Hosts != nil {
		b, err := os.ReadFile(filepath.Join(s.Path, record.FolderHosts))
		if err != nil {
			return nil, nil, fmt.Errorf("read hosts: %w", err)
		}
		var top struct{ Server, Client json.RawMessage }
		if err := json.Unmarshal(b, &top); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", filepath.Join(s.Path, record.FolderHosts), err)
		}
		return top.Server, top.Client, nil
	}
	var r record.Row
	if len(s.Rows) > 0 {
		r = s.Rows[0]
	}
	server, err = json.Marshal(map[string]any{
		"hostname": r.ServerHost, "cpu_model": r.ServerCPUModel, "logical_cpus": r.ServerLogicalCPUs,
		"gomaxprocs": r.ServerGOMAXPROCS, "go_version": r.ServerGoVersion, "ns_per_iteration": r.ServerNsPerIteration,
	})
	if err != nil {
		return nil, nil, err
	}
	client, err = json.Marshal(map[string]any{"hostname": r.ClientHost, "logical_cpus": r.ClientLogicalCPUs})
	return server, client, err
}
