package hostinfo_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stratbench/stratbench/hostinfo"
)

func TestParseMemTotalFixture(t *testing.T) {
	f, err := os.Open("testdata/meminfo.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := hostinfo.ParseMemTotal(f)
	if err != nil {
		t.Fatalf("ParseMemTotal: %v", err)
	}
	if want := uint64(24683656 * 1024); got != want {
		t.Errorf("ParseMemTotal = %d, want %d", got, want)
	}
}

func TestParseMemTotal(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    uint64
		wantErr bool
	}{
		{name: "kB", in: "MemTotal:        1024 kB\n", want: 1 << 20},
		{name: "not first line", in: "MemFree: 1 kB\nMemTotal: 2 kB\n", want: 2048},
		{name: "no unit is bytes", in: "MemTotal: 4096\n", want: 4096},
		{name: "zero", in: "MemTotal: 0 kB\n", want: 0},
		{name: "missing", in: "MemFree: 1 kB\n", wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "no value", in: "MemTotal:\n", wantErr: true},
		{name: "not a number", in: "MemTotal: lots kB\n", wantErr: true},
		{name: "negative", in: "MemTotal: -1 kB\n", wantErr: true},
		{name: "other unit", in: "MemTotal: 1 MB\n", wantErr: true},
		{name: "extra field", in: "MemTotal: 1 kB x\n", wantErr: true},
		{name: "overflows", in: "MemTotal: 18446744073709551615 kB\n", wantErr: true},
		{name: "prefix must match exactly", in: "MemTotalish: 1 kB\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hostinfo.ParseMemTotal(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseMemTotal error = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseMemTotal = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestParseMemTotalReadError(t *testing.T) {
	errRead := errors.New("disk on fire")
	_, err := hostinfo.ParseMemTotal(iotest.ErrReader(errRead))
	if !errors.Is(err, errRead) {
		t.Errorf("ParseMemTotal error = %v, want it to wrap %v", err, errRead)
	}
}
