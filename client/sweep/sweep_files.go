package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/stratbench/stratbench/hostinfo"
	"github.com/stratbench/stratbench/internal/atomicfile"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/record"
)

// reportTimeFormat is the UTC timestamp of a report folder's name.
const reportTimeFormat = "20060102T150405Z"

// createReport makes a new report folder under reports for a sweep of m
// against server, and writes its MatrixFile, HostsFile and HistDir.
func createReport(reports string, m *Matrix, server *pb.InfoResponse, client hostinfo.Fingerprint) (string, error) {
	if err := os.MkdirAll(reports, 0o755); err != nil {
		return "", fmt.Errorf("sweep: reports folder: %w", err)
	}
	base := folderName(server.GetHostname()) + "-" + time.Now().UTC().Format(reportTimeFormat)
	// Two sweeps started in the same second get -2, -3, ... rather than
	// sharing a folder.
	dir := filepath.Join(reports, base)
	for n := 2; ; n++ {
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || n > 100 {
			return "", fmt.Errorf("sweep: report folder: %w", err)
		}
		dir = filepath.Join(reports, base+"-"+strconv.Itoa(n))
	}
	if err := os.Mkdir(filepath.Join(dir, HistDir), 0o755); err != nil {
		return dir, fmt.Errorf("sweep: %w", err)
	}
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return dir, fmt.Errorf("sweep: encode matrix: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, MatrixFile), append(mj, '\n')); err != nil {
		return dir, fmt.Errorf("sweep: %w", err)
	}
	hj, err := hostsJSON(server, client)
	if err != nil {
		return dir, fmt.Errorf("sweep: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, HostsFile), hj); err != nil {
		return dir, fmt.Errorf("sweep: %w", err)
	}
	return dir, nil
}

// hostsJSON encodes the HostsFile: the server's Info with its proto field
// names (every field, zero or not) and the client's fingerprint.
func hostsJSON(server *pb.InfoResponse, client hostinfo.Fingerprint) ([]byte, error) {
	sj, err := protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}.Marshal(server)
	if err != nil {
		return nil, fmt.Errorf("encode server info: %w", err)
	}
	// MarshalIndent re-indents the raw server object too, undoing
	// protojson's deliberately unstable spacing.
	b, err := json.MarshalIndent(struct {
		Server json.RawMessage      `json:"server"`
		Client hostinfo.Fingerprint `json:"client"`
	}{sj, client}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode hosts: %w", err)
	}
	return append(b, '\n'), nil
}

// folderName makes a host name safe as part of a folder name: letters,
// digits, '.', '_' and '-' are kept and anything else becomes '_'.
func folderName(host string) string {
	if host == "" {
		return "unknown"
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, host)
}

// resumeState is what a report folder says about a sweep to resume.
type resumeState struct {
	m    *Matrix
	done map[string]bool // trialKey of every row with complete=true
	rows int             // rows in the CSV, complete or not
	note string          // what was repaired, if anything
}

// openResume reads the matrix and the rows of the report folder dir,
// refusing rows measured against a server host other than host. A last
// row cut short by a crash is cut off the CSV, since it cannot be appended
// to.
func openResume(dir, host string) (*resumeState, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("sweep: resume folder %s: not a report folder: %v", dir, err)
	}
	m, err := LoadMatrix(filepath.Join(dir, MatrixFile))
	if err != nil {
		return nil, fmt.Errorf("sweep: resume: %w", err)
	}
	st := &resumeState{m: m, done: make(map[string]bool)}
	path := filepath.Join(dir, ResultsFile)
	rows, err := record.ReadCSVFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		rows, err = nil, nil
	case errors.Is(err, record.ErrTruncatedRow):
		if err = cutPartialRow(path); err != nil {
			return nil, fmt.Errorf("sweep: resume: %w", err)
		}
		st.note = fmt.Sprintf("dropped a partial last row of %s", path)
	}
	if err != nil {
		return nil, fmt.Errorf("sweep: resume: %w", err)
	}
	for i, r := range rows {
		if r.ServerHost != "" && r.ServerHost != host {
			return nil, fmt.Errorf("sweep: resume: %s row %d was measured against server host %q, not %q; start a new sweep instead",
				path, i+1, r.ServerHost, host)
		}
		if r.Complete {
			st.done[trialKey(r.CellKey(), r.Trial)] = true
		}
	}
	st.rows = len(rows)
	if err := os.MkdirAll(filepath.Join(dir, HistDir), 0o755); err != nil {
		return nil, fmt.Errorf("sweep: resume: %w", err)
	}
	return st, nil
}

// cutPartialRow truncates the file at path after its last newline.
func cutPartialRow(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := os.Truncate(path, int64(bytes.LastIndexByte(b, '\n')+1)); err != nil {
		return fmt.Errorf("drop partial row: %w", err)
	}
	return nil
}
