package record

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// ErrTruncatedRow is wrapped by the error ReadCSV returns when the input ends
// in a partial last line, as a crash in the middle of writing a row can leave;
// the rows before that line are returned with it and are valid.
var ErrTruncatedRow = errors.New("truncated last row")

// ErrSchema is wrapped by the errors that report a CSV file whose header is
// not schema version SchemaVersion's or whose rows carry another version.
var ErrSchema = errors.New("CSV schema mismatch")

// ReadCSV parses a CSV file of schema version 1 to SchemaVersion: the
// header, which must equal HeaderOf(v) for one version v, then one row per
// line. Parsing is strict: every row must have every column of v, each
// value must parse as its column's type, and schema_version must be v; the
// first violation is returned as an error naming the line, the column and
// the bad value, with nil rows. Rows of an older version lack the columns
// added since (see Row.Has), and the absent-able figures among those
// (io_wait_mean_ms, the server_wait and overhead columns) are NaN, never 0;
// within a version that has them they may be empty, also NaN. Empty input
// holds no rows and is not an error.
//
// Every line of a file the Writer wrote ends in a newline, so a last line
// without one is torn by an interrupted write, even when it parses (a row
// cut inside its last column, lock_retries 12345 cut to 123, is still a
// valid row). ReadCSV never returns such a line as a row: it returns the
// rows before it and an error wrapping ErrTruncatedRow (or the error of an
// earlier line, with nil rows). Callers that resume a sweep keep those rows
// and measure the torn row's trial again; others should treat the error as
// fatal.
func ReadCSV(r io.Reader) ([]Row, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read CSV: %w", err)
	}
	if len(data) == 0 || data[len(data)-1] == '\n' {
		rows, _, err := parseCSV(data)
		return rows, err
	}
	// Keep every complete line; the unterminated last one is torn.
	cut := bytes.LastIndexByte(data, '\n') + 1
	head, _, err := parseCSV(data[:cut])
	if err != nil {
		return nil, err
	}
	return head, fmt.Errorf("line %d: %w: no newline after %q", bytes.Count(data[:cut], []byte{'\n'})+1,
		ErrTruncatedRow, tail(data[cut:], 40))
}

// tail returns the last n bytes of b, or all of b.
func tail(b []byte, n int) []byte { return b[max(len(b)-n, 0):] }

// ReadCSVFile is ReadCSV on the file at path; errors name the file.
func ReadCSVFile(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read CSV: %w", err)
	}
	defer f.Close()
	rows, err := ReadCSV(f)
	if err != nil {
		return rows, fmt.Errorf("%s: %w", path, err)
	}
	return rows, nil
}

// parseCSV parses data strictly, returning its rows and the schema version
// of its header (0 for empty data).
func parseCSV(data []byte) ([]Row, int, error) {
	if len(data) == 0 {
		return nil, 0, nil
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, 0, fmt.Errorf("CSV header: %w", err)
	}
	version := 0
	for v := SchemaVersion; v >= 1 && version == 0; v-- {
		if checkHeaderOf(header, columnsOf(v)) == nil {
			version = v
		}
	}
	if version == 0 {
		err := checkHeader(header)
		header = slices.Clone(header) // the next Read reuses its storage
		first, _ := cr.Read()
		return nil, 0, fmt.Errorf("line 1: %w", schemaMismatch(header, first, err))
	}
	cols := columnsOf(version)
	var rows []Row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, version, nil
		}
		if err != nil {
			return nil, 0, err // *csv.ParseError names the line and column
		}
		var r Row
		setAbsent(&r)
		for i, c := range cols {
			if c.absent() && rec[i] == "" {
				continue // absent
			}
			if err := parseField(c.field(&r), rec[i]); err != nil {
				line, col := cr.FieldPos(i)
				return nil, 0, fmt.Errorf("line %d, column %d (%s): bad value %q: %w", line, col, c.name, rec[i], err)
			}
		}
		if r.SchemaVersion != version {
			line, _ := cr.FieldPos(0)
			return nil, 0, fmt.Errorf("line %d: schema_version %d in a file of version %d: %w", line, r.SchemaVersion, version, ErrSchema)
		}
		rows = append(rows, r)
	}
}

// checkHeader reports how header differs from Header().
func checkHeader(header []string) error { return checkHeaderOf(header, columnsOf(SchemaVersion)) }

// checkHeaderOf reports how header differs from the names of columns.
func checkHeaderOf(header []string, columns []column) error {
	for i, c := range columns {
		if i >= len(header) {
			return fmt.Errorf("%d columns, want %d: missing %q", len(header), len(columns), c.name)
		}
		if header[i] != c.name {
			return fmt.Errorf("column %d is %q, want %q", i+1, header[i], c.name)
		}
	}
	if len(header) > len(columns) {
		return fmt.Errorf("%d columns, want %d: extra %q", len(header), len(columns), header[len(columns)])
	}
	return nil
}

// schemaMismatch describes a header that differs from Header(): the version
// the file claims, taken from its first row when its header starts with
// schema_version, and the version expected.
func schemaMismatch(header, first []string, diff error) error {
	found := "unknown"
	if len(header) > 0 && header[0] == "schema_version" && len(first) > 0 {
		found = fmt.Sprintf("%q", first[0])
	}
	return fmt.Errorf("found schema version %s with different columns (%w), want schema version %d: %w",
		found, diff, SchemaVersion, ErrSchema)
}

// encodeRecord renders one CSV record, RFC 4180 quoted, with its newline.
func encodeRecord(rec []string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(slices.Clone(rec)); err != nil {
		return nil, err
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
