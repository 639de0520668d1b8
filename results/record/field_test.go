package record_test

import (
	"testing"
	"time"

	"github.com/stratbench/stratbench/results/record"
)

func TestRowField(t *testing.T) {
	r := record.Row{Trial: 3, StartedAt: time.Unix(5, 0).UTC(), P99Ms: 1.5, ClientSaturated: true,
		ErrorsByCode: map[string]uint64{"UNAVAILABLE": 2}}
	for _, name := range record.Header() {
		if _, ok := r.Field(name); !ok {
			t.Errorf("Field(%q) not found", name)
		}
	}
	for name, want := range map[string]any{"trial": 3, "started_at": time.Unix(5, 0).UTC(), "p99_ms": 1.5,
		"client_saturated": true} {
		if got, _ := r.Field(name); got != want {
			t.Errorf("Field(%q) = %v (%T), want %v (%T)", name, got, got, want, want)
		}
	}
	if got, _ := r.Field("errors_by_code"); got.(map[string]uint64)["UNAVAILABLE"] != 2 {
		t.Errorf("Field(errors_by_code) = %v", got)
	}
	if _, ok := r.Field("no_such_column"); ok {
		t.Error("Field of an unknown column found")
	}
}
