package hostinfo_test

import (
	"encoding/json"
	"os"
	"runtime"
	"testing"
	"testing/fstest"

	"google.golang.org/grpc"

	"github.com/stratbench/stratbench/hostinfo"
	"github.com/stratbench/stratbench/internal/golden"
)

func TestCollect(t *testing.T) {
	f := hostinfo.Collect()
	if f.OS != runtime.GOOS || f.Arch != runtime.GOARCH {
		t.Errorf("OS/Arch = %s/%s, want %s/%s", f.OS, f.Arch, runtime.GOOS, runtime.GOARCH)
	}
	if f.LogicalCPUs != runtime.NumCPU() {
		t.Errorf("LogicalCPUs = %d, want runtime.NumCPU() = %d", f.LogicalCPUs, runtime.NumCPU())
	}
	if f.GOMAXPROCS != runtime.GOMAXPROCS(0) {
		t.Errorf("GOMAXPROCS = %d, want %d", f.GOMAXPROCS, runtime.GOMAXPROCS(0))
	}
	if f.GoVersion != runtime.Version() {
		t.Errorf("GoVersion = %q, want %q", f.GoVersion, runtime.Version())
	}
	if f.GRPCVersion != grpc.Version {
		t.Errorf("GRPCVersion = %q, want %q", f.GRPCVersion, grpc.Version)
	}
	if f.StratbenchVersion != hostinfo.Version() {
		t.Errorf("StratbenchVersion = %q, want %q", f.StratbenchVersion, hostinfo.Version())
	}
	if f.CPUModel == "" {
		t.Error(`CPUModel = "", want a model or "unknown (GOARCH)"`)
	}
	if f.CgroupCPUQuota < 0 {
		t.Errorf("CgroupCPUQuota = %v, want >= 0", f.CgroupCPUQuota)
	}
	if runtime.GOOS == "linux" && f.TotalMemoryBytes == 0 {
		t.Error("TotalMemoryBytes = 0 on Linux, want MemTotal from /proc/meminfo")
	}
}

func TestCollectFS(t *testing.T) {
	read := func(name string) *fstest.MapFile {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return &fstest.MapFile{Data: b}
	}
	tests := []struct {
		name      string
		fsys      fstest.MapFS
		wantModel string
		wantMem   uint64
		wantQuota float64
	}{
		{
			name: "arm64 host with quota",
			fsys: fstest.MapFS{
				"proc/cpuinfo":          read("testdata/cpuinfo_arm64.txt"),
				"proc/meminfo":          read("testdata/meminfo.txt"),
				"proc/self/cgroup":      file("0::/\n"),
				"sys/fs/cgroup/cpu.max": file("150000 100000\n"),
			},
			wantModel: "ARM Neoverse-N1",
			wantMem:   24683656 * 1024,
			wantQuota: 1.5,
		},
		{
			name:      "nothing readable",
			fsys:      fstest.MapFS{},
			wantModel: "unknown (" + runtime.GOARCH + ")",
		},
		{
			name: "malformed files",
			fsys: fstest.MapFS{
				"proc/cpuinfo": file("flags\t: fpu\n"),
				"proc/meminfo": file("MemTotal: many kB\n"),
			},
			wantModel: "unknown (" + runtime.GOARCH + ")",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := hostinfo.CollectFS(tt.fsys)
			if f.CPUModel != tt.wantModel {
				t.Errorf("CPUModel = %q, want %q", f.CPUModel, tt.wantModel)
			}
			if f.TotalMemoryBytes != tt.wantMem {
				t.Errorf("TotalMemoryBytes = %d, want %d", f.TotalMemoryBytes, tt.wantMem)
			}
			if f.CgroupCPUQuota != tt.wantQuota {
				t.Errorf("CgroupCPUQuota = %v, want %v", f.CgroupCPUQuota, tt.wantQuota)
			}
		})
	}
}

// fixedFingerprint is a host whose every field is set, for the golden files.
var fixedFingerprint = hostinfo.Fingerprint{
	Hostname:          "bench-1",
	OS:                "linux",
	Arch:              "arm64",
	CPUModel:          "ARM Neoverse-V1",
	LogicalCPUs:       64,
	GOMAXPROCS:        16,
	CgroupCPUQuota:    15.5,
	TotalMemoryBytes:  128 << 30,
	GoVersion:         "go1.26.8",
	GRPCVersion:       "1.85.0",
	StratbenchVersion: "v0.1.0 0123456789ab",
}

// TestFingerprintJSON pins the hosts.json schema: a changed key breaks
// comparisons with results already on disk.
func TestFingerprintJSON(t *testing.T) {
	got, err := json.MarshalIndent(fixedFingerprint, "", "  ")
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	got = append(got, '\n')
	golden.Check(t, "fingerprint.golden.json", got)
	want, err := os.ReadFile("testdata/fingerprint.golden.json")
	if err != nil {
		t.Fatal(err)
	}

	var back hostinfo.Fingerprint
	if err := json.Unmarshal(want, &back); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if back != fixedFingerprint {
		t.Errorf("round trip = %+v, want %+v", back, fixedFingerprint)
	}
}

func TestFingerprintString(t *testing.T) {
	tests := []struct {
		name string
		f    hostinfo.Fingerprint
		want string
	}{
		{
			name: "full",
			f:    fixedFingerprint,
			want: "bench-1: linux/arm64, ARM Neoverse-V1, 64 logical CPUs, GOMAXPROCS 16, cgroup CPU quota 15.5, 128.0 GiB memory, go1.26.8, grpc-go 1.85.0, stratbench v0.1.0 0123456789ab",
		},
		{
			name: "zero",
			f:    hostinfo.Fingerprint{},
			want: "unknown: unknown/unknown, unknown, unknown logical CPUs, GOMAXPROCS unknown, no cgroup CPU quota, unknown memory, unknown, grpc-go unknown, stratbench unknown",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.String(); got != tt.want {
				t.Errorf("String() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
