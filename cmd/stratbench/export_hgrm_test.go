package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestExportHgrm(t *testing.T) {
	addr := startFakeBench(t)
	var stdout, stderr bytes.Buffer
	if err := sweepCmd(t.Context(), []string{"--target", addr, "--matrix", writeMatrix(t, "100ms"), "--reports", t.TempDir()}, &stdout, &stderr); err != nil {
		t.Fatalf("sweep: %v; %s", err, stderr.String())
	}
	dir := lastLine(stdout.String())

	stdout.Reset()
	err := exportCmd(t.Context(), []string{"--format", "hgrm", dir}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "pool/io t=1 p=4 io=1ms closed c=2") {
		t.Fatalf("two cells and no --cell: %v, want an error listing the cells", err)
	}
	for _, h := range []string{"latency", "uncorrected"} {
		stdout.Reset()
		if err := exportCmd(t.Context(), []string{"--format", "hgrm", "--histogram", h, "--cell", "pool/io t=1 p=4 io=1ms closed c=2", dir}, &stdout, &stderr); err != nil {
			t.Fatalf("export %s: %v", h, err)
		}
		out := stdout.String()
		if !strings.HasPrefix(out, "       Value     Percentile TotalCount 1/(1-Percentile)\n\n") ||
			!strings.Contains(out, " 1.000000000000 ") || !strings.Contains(out, "#[Max     = ") {
			t.Errorf("%s:\n%s", h, out)
		}
	}
	if err := exportCmd(t.Context(), []string{"--format", "hgrm", "--cell", "nope", dir}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "no such cell") {
		t.Errorf("unknown cell: %v", err)
	}
}
