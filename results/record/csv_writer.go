package record

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"sync"
)

// Writer appends rows to a CSV file of one schema version, SchemaVersion
// unless opened with OpenWriterVersion. Each Write is durable when it
// returns: the row reaches the file in a single write call and is synced,
// so a process killed at any point leaves whole rows only. A Writer is
// safe for concurrent use.
type Writer struct {
	mu      sync.Mutex
	path    string
	version int
	f       *os.File // nil once closed
}

// OpenWriter opens path for appending rows, creating it if needed. A new or
// empty file gets the header. An existing file must be a complete, valid CSV
// of this schema (as ReadCSVFile checks): a file whose header or
// schema_version differs is refused with an error, wrapping ErrSchema, that
// names the file, the version found and the version expected; a file that
// ends in a partial row is refused with an error wrapping ErrTruncatedRow,
// since rows appended after it would be unreadable. A last row without its
// newline counts as partial, whether or not it parses.
func OpenWriter(path string) (*Writer, error) { return OpenWriterVersion(path, SchemaVersion) }

// OpenWriterVersion is OpenWriter for a file of schema version v, 1 to
// SchemaVersion: merge writes rows of older files in their own version, so
// that the columns they lack stay absent rather than zero.
func OpenWriterVersion(path string, v int) (*Writer, error) {
	if v < 1 || v > SchemaVersion {
		return nil, fmt.Errorf("open CSV %s: schema version %d is outside [1, %d]: %w", path, v, SchemaVersion, ErrSchema)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open CSV for writing: %w", err)
	}
	w := &Writer{path: path, version: v, f: f}
	if err := w.prepare(); err != nil {
		_ = f.Close() // the prepare error is the one to report
		return nil, err
	}
	return w, nil
}

// prepare writes the header into an empty file, or validates a non-empty one.
func (w *Writer) prepare() error {
	data, err := io.ReadAll(w.f) // O_APPEND leaves the read offset at 0
	if err != nil {
		return fmt.Errorf("read CSV %s: %w", w.path, err)
	}
	if len(data) == 0 {
		head, err := encodeRecord(HeaderOf(w.version))
		if err != nil {
			return err
		}
		return w.writeSynced(head)
	}
	if _, err := ReadCSV(bytes.NewReader(data)); err != nil {
		return fmt.Errorf("refusing to append to %s: %w", w.path, err)
	}
	if _, v, _ := parseCSV(data); v != w.version {
		return fmt.Errorf("refusing to append to %s: it is schema version %d, want %d; start a new file: %w", w.path, v, w.version, ErrSchema)
	}
	return nil
}

// Write appends r as one CSV row and syncs the file. A zero SchemaVersion is
// written as the file's version. An absent figure (NaN in an absent-able
// column) is written empty. Write refuses, writing nothing, a row whose
// SchemaVersion is another version or whose fields cannot be read back
// equal: a NaN (except an absent figure) or infinite float, a string with a line break, a time outside
// years 0 to 9999, or an error code name that is not letters, digits and
// '_'. Write after Close returns an error.
func (w *Writer) Write(r Row) error {
	if r.SchemaVersion == 0 {
		r.SchemaVersion = w.version
	}
	if r.SchemaVersion != w.version {
		return fmt.Errorf("write row to %s: schema_version %d, want the file's %d: %w", w.path, r.SchemaVersion, w.version, ErrSchema)
	}
	line, err := r.MarshalCSV()
	if err != nil {
		return fmt.Errorf("write row to %s: %w", w.path, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writeSynced(line)
}

// MarshalCSV returns r as one CSV line of its schema version (SchemaVersion
// when 0), newline included, refusing a version outside 1 to SchemaVersion
// and the fields Write refuses.
func (r Row) MarshalCSV() ([]byte, error) {
	if r.SchemaVersion == 0 {
		r.SchemaVersion = SchemaVersion
	}
	if r.SchemaVersion < 1 || r.SchemaVersion > SchemaVersion {
		return nil, fmt.Errorf("schema_version %d, want 1 to %d: %w", r.SchemaVersion, SchemaVersion, ErrSchema)
	}
	cols := columnsOf(r.SchemaVersion)
	rec := make([]string, len(cols))
	for i, c := range cols {
		p := c.field(&r)
		if c.absent() && math.IsNaN(*p.(*float64)) {
			continue // absent: written empty
		}
		if err := checkField(p); err != nil {
			return nil, fmt.Errorf("column %s: %w", c.name, err)
		}
		rec[i] = formatField(p)
	}
	return encodeRecord(rec)
}

// WriteCSV writes the header and rows to w, in memory or to a stream that
// need not be synced; use a Writer for result files. The file's schema
// version is the first row's (SchemaVersion with no rows, or when 0); every
// row must have it.
func WriteCSV(w io.Writer, rows []Row) error {
	v := SchemaVersion
	if len(rows) > 0 && rows[0].SchemaVersion != 0 {
		v = rows[0].SchemaVersion
	}
	head, err := encodeRecord(HeaderOf(v))
	if err != nil {
		return err
	}
	buf := head
	for i, r := range rows {
		if r.SchemaVersion == 0 {
			r.SchemaVersion = v
		}
		if r.SchemaVersion != v {
			return fmt.Errorf("row %d: schema_version %d in a file of version %d: %w", i+1, r.SchemaVersion, v, ErrSchema)
		}
		line, err := r.MarshalCSV()
		if err != nil {
			return fmt.Errorf("row %d: %w", i+1, err)
		}
		buf = append(buf, line...)
	}
	_, err = w.Write(buf)
	return err
}

// writeSynced writes b in one call and syncs the file.
func (w *Writer) writeSynced(b []byte) error {
	if w.f == nil {
		return fmt.Errorf("write to %s: writer is closed", w.path)
	}
	if _, err := w.f.Write(b); err != nil {
		return fmt.Errorf("write to %s: %w", w.path, err)
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", w.path, err)
	}
	return nil
}

// Close closes the file. Rows already written are on disk whether or not
// Close is called. Close after Close does nothing and returns nil.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	if err != nil {
		return fmt.Errorf("close %s: %w", w.path, err)
	}
	return nil
}
