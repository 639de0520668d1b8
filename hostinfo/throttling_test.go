package hostinfo_test

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stratbench/stratbench/hostinfo"
)

func TestParseCPUStat(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    hostinfo.Throttling
		wantErr bool
	}{
		{
			name: "v2",
			in:   "usage_usec 9000\nuser_usec 5000\nsystem_usec 4000\nnr_periods 120\nnr_throttled 7\nthrottled_usec 35000\nnr_bursts 0\nburst_usec 0\n",
			want: hostinfo.Throttling{Periods: 120, ThrottledPeriods: 7, Throttled: 35 * time.Millisecond},
		},
		{
			name: "v1 nanoseconds",
			in:   "nr_periods 3\nnr_throttled 1\nthrottled_time 2500000\n",
			want: hostinfo.Throttling{Periods: 3, ThrottledPeriods: 1, Throttled: 2500 * time.Microsecond},
		},
		{name: "never throttled", in: "nr_periods 0\nnr_throttled 0\nthrottled_usec 0\n"},
		{name: "v2 without bandwidth control", in: "usage_usec 9000\nuser_usec 5000\n", wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "negative", in: "nr_periods -1\nnr_throttled 0\nthrottled_usec 0\n", wantErr: true},
		{name: "not a number", in: "nr_periods 1\nnr_throttled x\nthrottled_usec 0\n", wantErr: true},
		{name: "overflow", in: "nr_periods 1\nnr_throttled 0\nthrottled_usec 18446744073709551615\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hostinfo.ParseCPUStat([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseCPUStat error = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseCPUStat = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseCPUStat(f *testing.F) {
	f.Add([]byte("nr_periods 120\nnr_throttled 7\nthrottled_usec 35000\n"))
	f.Add([]byte("nr_periods 3\nnr_throttled 1\nthrottled_time 2500000\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := hostinfo.ParseCPUStat(b)
		if err != nil && got != (hostinfo.Throttling{}) {
			t.Errorf("ParseCPUStat(%q) = %+v with error %v, want zero", b, got, err)
		}
		if got.Throttled < 0 {
			t.Errorf("ParseCPUStat(%q) throttled %v < 0", b, got.Throttled)
		}
	})
}

func TestCPUStatFile(t *testing.T) {
	stat := file("nr_periods 10\nnr_throttled 4\nthrottled_usec 1000\n")
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{name: "no quota", fsys: fstest.MapFS{
			"proc/self/cgroup":       file("0::/\n"),
			"sys/fs/cgroup/cpu.max":  file("max 100000\n"),
			"sys/fs/cgroup/cpu.stat": stat,
		}},
		{name: "v2 binding ancestor", fsys: fstest.MapFS{
			"proc/self/cgroup":                         file("0::/kubepods/pod1/ctr\n"),
			"sys/fs/cgroup/kubepods/pod1/ctr/cpu.max":  file("400000 100000\n"),
			"sys/fs/cgroup/kubepods/pod1/ctr/cpu.stat": stat,
			"sys/fs/cgroup/kubepods/pod1/cpu.max":      file("200000 100000\n"),
			"sys/fs/cgroup/kubepods/pod1/cpu.stat":     stat,
		}, want: "sys/fs/cgroup/kubepods/pod1/cpu.stat"},
		{name: "v1", fsys: fstest.MapFS{
			"proc/self/cgroup":                    file("1:cpu,cpuacct:/\n"),
			"sys/fs/cgroup/cpu/cpu.cfs_quota_us":  file("50000\n"),
			"sys/fs/cgroup/cpu/cpu.cfs_period_us": file("100000\n"),
			"sys/fs/cgroup/cpu/cpu.stat":          stat,
		}, want: "sys/fs/cgroup/cpu/cpu.stat"},
		{name: "quota without cpu.stat", fsys: fstest.MapFS{
			"proc/self/cgroup":      file("0::/\n"),
			"sys/fs/cgroup/cpu.max": file("100000 100000\n"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hostinfo.CPUStatFileFS(tt.fsys); got != tt.want {
				t.Errorf("CPUStatFile = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadCPUThrottling(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cpu.stat")
	if err := os.WriteFile(p, []byte("nr_periods 10\nnr_throttled 4\nthrottled_usec 1000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := hostinfo.ReadCPUThrottling(p)
	if want := (hostinfo.Throttling{Periods: 10, ThrottledPeriods: 4, Throttled: time.Millisecond}); err != nil || got != want {
		t.Errorf("ReadCPUThrottling = %+v, %v; want %+v", got, err, want)
	}
	if _, err := hostinfo.ReadCPUThrottling(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("ReadCPUThrottling of a missing file: no error")
	}
}
