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

// ReadCSV parses a CSV file of schema version SchemaVersion or 1: the
// header, which must equal Header() or version 1's (its first 51 columns),
// then one row per line. A version-1 row keeps SchemaVersion 1 and has the
// figures version 1 lacks absent (NaN), never 0. Parsing is strict: every
// row must have every column, each value must parse as its column's type
// (an absent-able figure may be empty: NaN), and schema_version must be
// the header's version; the first violation is returned as an
// error naming the line, the column and the bad value, with nil rows. Empty
// input holds no rows and is not an error.
//
// One damage is tolerated: when the input does not end in a newline and its
// last line fails to parse, ReadCSV returns the rows before that line and an
// error wrapping ErrTruncatedRow. Callers that resume a sweep can keep those
// rows; others should treat the error as fatal.
func ReadCSV(r io.Reader) ([]Row, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read CSV: %w", err)
	}
	rows, err := parseCSV(data)
	if err == nil || len(data) == 0 || data[len(data)-1] == '\n' {
		return rows, err
	}
	// Keep every complete line if only the unterminated last one is bad.
	cut := bytes.LastIndexByte(data, '\n') + 1
	head, headErr := parseCSV(data[:cut])
	if headErr != nil {
		return nil, err
	}
	return head, fmt.Errorf("line %d: %w: %w", bytes.Count(data[:cut], []byte{'\n'})+1, ErrTruncatedRow, err)
}

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

// parseCSV parses data strictly.
func parseCSV(data []byte) ([]Row, error) {
	if len(data) == 0 {
		return nil, nil
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("CSV header: %w", err)
	}
	version := SchemaVersion
	if checkHeaderOf(header, columnsOf(1)) == nil {
		version = 1
	} else if err := checkHeader(header); err != nil {
		header = slices.Clone(header) // the next Read reuses its storage
		first, _ := cr.Read()
		return nil, fmt.Errorf("line 1: %w", schemaMismatch(header, first, err))
	}
	cols := columnsOf(version)
	var rows []Row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err // *csv.ParseError names the line and column
		}
		var r Row
		setAbsent(&r)
		for i, c := range cols {
			if c.absent() && rec[i] == "" {
				continue // absent
			}
			if err := parseField(c.field(&r), rec[i]); err != nil {
				line, col := cr.FieldPos(i)
				return nil, fmt.Errorf("line %d, column %d (%s): bad value %q: %w", line, col, c.name, rec[i], err)
			}
		}
		if r.SchemaVersion != version {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("line %d: schema_version %d in a file of version %d's columns: %w", line, r.SchemaVersion, version, ErrSchema)
		}
		rows = append(rows, r)
	}
}

// checkHeader reports how header differs from Header().
func checkHeader(header []string) error { return checkHeaderOf(header, columns) }

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

// headerLine is the header as written, with its newline.
var headerLine = func() []byte {
	b, err := encodeRecord(Header())
	if err != nil {
		panic(err)
	}
	return b
}()

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
