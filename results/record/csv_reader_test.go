package record_test

import (
	"bytes"
	"errors"
	"github.com/stratbench/stratbench/results/internal/resultstest"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/results/record"
)

func TestReadCSVTruncatedLastLine(t *testing.T) {
	header := strings.Join(record.Header(), ",") + "\n"
	line := string(mustRowLine(t))
	rows, err := record.ReadCSV(strings.NewReader(header + line + line[:len(line)/2]))
	if !errors.Is(err, record.ErrTruncatedRow) || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("err = %v, want ErrTruncatedRow at line 3", err)
	}
	if len(rows) != 1 || !resultstest.SameRows(rows, []record.Row{rounded(sampleRow())}) {
		t.Errorf("rows before the truncated line = %+v", rows)
	}
	// A row torn inside its last column still parses, yet it is torn: the
	// newline is what marks a row as written whole.
	torn := line[:len(line)-2] // lock_retries cut by one digit, newline gone
	if rows, err := record.ReadCSV(strings.NewReader(header + line + torn)); !errors.Is(err, record.ErrTruncatedRow) || len(rows) != 1 {
		t.Errorf("row torn in its last column: %d rows, %v; want 1 row and ErrTruncatedRow", len(rows), err)
	}
	if rows, err := record.ReadCSV(strings.NewReader(header + strings.TrimSuffix(line, "\n"))); !errors.Is(err, record.ErrTruncatedRow) || len(rows) != 0 {
		t.Errorf("whole row without its newline: %d rows, %v; want none and ErrTruncatedRow", len(rows), err)
	}
	// A torn header leaves no rows.
	if rows, err := record.ReadCSV(strings.NewReader(header[:20])); !errors.Is(err, record.ErrTruncatedRow) || rows != nil {
		t.Errorf("torn header: %d rows, %v; want none and ErrTruncatedRow", len(rows), err)
	}
	// A bad line in the middle is an error even when the last line is partial.
	if rows, err := record.ReadCSV(strings.NewReader(header + "x\n" + line[:10])); err == nil || rows != nil || errors.Is(err, record.ErrTruncatedRow) {
		t.Errorf("bad middle line: %d rows, %v; want nil rows and a plain error", len(rows), err)
	}
}

func TestReadCSVStrictErrors(t *testing.T) {
	header := strings.Join(record.Header(), ",") + "\n"
	line := strings.TrimSuffix(string(mustRowLine(t)), "\n")
	field := func(col, value string) string {
		fields := strings.Split(strings.Replace(line, `"AMD EPYC 9654 96-Core, ""Genoa"""`, "cpu", 1), ",")
		for i, name := range record.Header() {
			if name == col {
				fields[i] = value
			}
		}
		return header + strings.Join(fields, ",") + "\n"
	}
	tests := []struct{ name, in, want string }{
		{"bad int", field("tasks", "6x"), `line 2, column`},
		{"bad int names column", field("tasks", "6x"), `(tasks): bad value "6x"`},
		{"negative uint", field("requests", "-1"), `(requests): bad value "-1"`},
		{"bad float", field("p99_ms", "NaN"), `(p99_ms): bad value "NaN"`},
		{"bad bool", field("complete", "yes"), `(complete): bad value "yes"`},
		{"non-UTC time", field("started_at", "2025-01-02T03:04:05+01:00"), `(started_at)`},
		{"bad code list", field("errors_by_code", "B=1;A=2"), `(errors_by_code): bad value "B=1;A=2"`},
		{"repeated code", field("errors_by_code", "A=1;A=2"), `out of order or repeated`},
		{"bad code entry", field("errors_by_code", "A"), `not CODE=COUNT`},
		{"bad accounts", field("accounts", "x"), `(accounts): bad value "x"`},
		{"negative lost updates", field("lost_updates", "-3"), `(lost_updates): bad value "-3"`},
		{"bad invariant", field("invariant_ok", "1"), `(invariant_ok): bad value "1"`},
		{"bad lock retries", field("lock_retries", "1.5"), `(lock_retries): bad value "1.5"`},
		{"too few fields", header + "1,2,3\n", "wrong number of fields"},
		{"bad quoting", header + `1,"x` + "\n", "line 2"},
		{"header only missing column", "schema_version\n", "want 82: missing"},
		{"header without the shared-state columns", strings.Join(record.Header()[:45], ",") + "\n", `45 columns, want 82: missing "sync"`},
		{"header extra column", strings.TrimSuffix(header, "\n") + ",x\n", `extra "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := record.ReadCSV(strings.NewReader(tt.in))
			if err == nil || rows != nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadCSV = %d rows, %v; want nil rows and an error containing %q", len(rows), err, tt.want)
			}
		})
	}
	if rows, err := record.ReadCSV(strings.NewReader("")); rows != nil || err != nil {
		t.Errorf("empty input = %v, %v; want no rows, no error", rows, err)
	}
}

func FuzzReadCSV(f *testing.F) {
	// Version 1 files, which still read, and a version 2 one.
	header := strings.Join(record.HeaderOf(1), ",") + "\n"
	line := "1,r,2025-01-02T03:04:05Z,h,m,1,1,go,1.5,c,1,pool,cpu,job,1,1,1,0,closed,1,0,1,0,1,1,1,0,1,1,1,1,1,1,1,1,1,1,1,1,0,1,false,A=1,true,x.sbt,,,0,0,true,0\n"
	counter := "1,r,2025-01-02T03:04:05Z,h,m,1,1,go,1.5,c,1,pool,counter,job,1,1,1,0,closed,1,0,1,0,1,1,1,0,1,1,1,1,1,1,1,1,1,1,1,1,0,1,false,,true,x.sbt,none,,0,17,true,0\n"
	transfer := "1,r,2025-01-02T03:04:05Z,h,m,1,1,go,1.5,c,1,pool,transfer,job,1,1,1,0,closed,1,0,1,0,1,1,1,0,1,1,1,1,1,1,1,1,1,1,1,1,0,1,false,,true,x.sbt,,try,8,0,false,5\n"
	f.Add([]byte(header + line))
	f.Add([]byte(header + line + line[:30]))
	f.Add([]byte(header + counter + transfer))
	f.Add([]byte(header + transfer[:len(transfer)-8]))
	v2 := strings.Join(record.Header(), ",") + "\n"
	f.Add([]byte(v2 + "2" + strings.TrimSuffix(line[1:], "\n") + ",0.5,3,12.5,40,0.25,true,server_backlogged: x,10000,0,0,0,false,,,2.5,,0.2,0.9\n"))
	f.Add([]byte(header))
	f.Add([]byte("a,b\n1,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := record.ReadCSV(bytes.NewReader(data))
		if len(data) > 0 && data[len(data)-1] != '\n' && !errors.Is(err, record.ErrTruncatedRow) && rows != nil {
			t.Fatalf("input without a final newline gave %d rows and error %v; its last line is torn", len(rows), err)
		}
		if n := bytes.Count(data, []byte{'\n'}); len(rows) > max(n-1, 0) {
			t.Fatalf("%d rows from %d complete lines (header included)", len(rows), n)
		}
		if err != nil && !errors.Is(err, record.ErrTruncatedRow) {
			if rows != nil {
				t.Fatalf("error %v came with %d rows", err, len(rows))
			}
			return
		}
		// In memory: a file and an fsync per input would cut the fuzzer's
		// rate a hundredfold; the Writer's file handling has its own tests.
		var buf bytes.Buffer
		if err := record.WriteCSV(&buf, rows); err != nil {
			t.Fatalf("re-write of read rows: %v", err)
		}
		again, err := record.ReadCSV(&buf)
		if err != nil {
			t.Fatalf("re-read of re-written rows: %v", err)
		}
		if len(again) != len(rows) || (len(rows) > 0 && !resultstest.SameRows(again, rows)) {
			t.Fatalf("re-read rows differ:\n%+v\n%+v", again, rows)
		}
	})
}

// FuzzReadCSVPrefix cuts a valid file at every point a crash could leave
// it: ReadCSV must return exactly the rows whose newline is inside the
// prefix, equal to the rows written, and flag anything after the last
// newline as a torn row.
func FuzzReadCSVPrefix(f *testing.F) {
	f.Add(uint16(0), uint64(12345))
	f.Add(uint16(700), uint64(7))
	f.Add(uint16(2000), uint64(0))
	f.Fuzz(func(t *testing.T, cut uint16, retries uint64) {
		a, b := sampleRow(), sampleRow()
		a.Trial, b.Trial = 1, 2
		b.LockRetries = retries
		var buf bytes.Buffer
		if err := record.WriteCSV(&buf, []record.Row{a, b}); err != nil {
			t.Fatal(err)
		}
		full := buf.Bytes()
		prefix := full[:min(int(cut), len(full))]
		rows, err := record.ReadCSV(bytes.NewReader(prefix))
		whole := max(bytes.Count(prefix, []byte{'\n'})-1, 0) // rows wholly written
		if len(rows) != whole {
			t.Fatalf("prefix of %d bytes: %d rows, want %d (%v)", len(prefix), len(rows), whole, err)
		}
		for i, r := range rows {
			if want := rounded([]record.Row{a, b}[i]); !resultstest.SameRows([]record.Row{r}, []record.Row{want}) {
				t.Fatalf("row %d differs:\n%+v\n%+v", i, r, want)
			}
		}
		torn := len(prefix) > 0 && prefix[len(prefix)-1] != '\n'
		if torn != errors.Is(err, record.ErrTruncatedRow) || !torn && err != nil {
			t.Fatalf("prefix of %d bytes ending %q: error %v", len(prefix), prefix[max(len(prefix)-5, 0):], err)
		}
	})
}
