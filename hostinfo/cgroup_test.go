package hostinfo_test

import (
	"testing"
	"testing/fstest"

	"github.com/stratbench/stratbench/hostinfo"
)

func TestParseCPUMax(t *testing.T) {
	tests := []struct {
		in      string
		want    float64
		wantErr bool
	}{
		{in: "max 100000\n", want: 0},
		{in: "max", want: 0},
		{in: "200000 100000\n", want: 2},
		{in: "150000 100000", want: 1.5},
		{in: "50000 100000", want: 0.5},
		{in: "  400000   100000  \n", want: 4},
		{in: "", wantErr: true},
		{in: "200000", wantErr: true},
		{in: "200000 100000 1", wantErr: true},
		{in: "lots 100000", wantErr: true},
		{in: "200000 max", wantErr: true},
		{in: "200000 0", wantErr: true},
		{in: "0 100000", wantErr: true},
		{in: "-5 100000", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := hostinfo.ParseCPUMax([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseCPUMax(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseCPUMax(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseCFSQuota(t *testing.T) {
	tests := []struct {
		name          string
		quota, period string
		want          float64
		wantErr       bool
	}{
		{name: "unlimited", quota: "-1\n", period: "100000\n", want: 0},
		{name: "unlimited ignores period", quota: "-1", period: "", want: 0},
		{name: "two CPUs", quota: "200000\n", period: "100000\n", want: 2},
		{name: "fraction", quota: "25000", period: "100000", want: 0.25},
		{name: "short period", quota: "10000", period: "5000", want: 2},
		{name: "zero period", quota: "200000", period: "0", wantErr: true},
		{name: "empty quota", quota: "", period: "100000", wantErr: true},
		{name: "bad period", quota: "200000", period: "x", wantErr: true},
		{name: "negative quota", quota: "-2", period: "100000", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hostinfo.ParseCFSQuota([]byte(tt.quota), []byte(tt.period))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseCFSQuota(%q, %q) error = %v, wantErr %v", tt.quota, tt.period, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseCFSQuota(%q, %q) = %v, want %v", tt.quota, tt.period, got, tt.want)
			}
		})
	}
}

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestCgroupCPUQuota(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want float64
	}{
		{
			name: "no cgroup files",
			fsys: fstest.MapFS{},
			want: 0,
		},
		{
			name: "v2 container root unlimited",
			fsys: fstest.MapFS{
				"proc/self/cgroup":       file("0::/\n"),
				"sys/fs/cgroup/cpu.max":  file("max 100000\n"),
				"sys/fs/cgroup/cpu.stat": file("usage_usec 1\n"),
			},
			want: 0,
		},
		{
			name: "v2 container root limited",
			fsys: fstest.MapFS{
				"proc/self/cgroup":      file("0::/\n"),
				"sys/fs/cgroup/cpu.max": file("150000 100000\n"),
			},
			want: 1.5,
		},
		{
			name: "v2 own cgroup limited",
			fsys: fstest.MapFS{
				"proc/self/cgroup": file("0::/system.slice/bench.service\n"),
				"sys/fs/cgroup/system.slice/bench.service/cpu.max": file("300000 100000\n"),
				"sys/fs/cgroup/system.slice/cpu.max":               file("max 100000\n"),
			},
			want: 3,
		},
		{
			name: "v2 ancestor tighter than own",
			fsys: fstest.MapFS{
				"proc/self/cgroup":                        file("0::/kubepods/pod1/ctr\n"),
				"sys/fs/cgroup/kubepods/pod1/ctr/cpu.max": file("400000 100000\n"),
				"sys/fs/cgroup/kubepods/pod1/cpu.max":     file("200000 100000\n"),
				"sys/fs/cgroup/kubepods/cpu.max":          file("max 100000\n"),
			},
			want: 2,
		},
		{
			name: "v2 path outside namespace does not escape mount",
			fsys: fstest.MapFS{
				"proc/self/cgroup":      file("0::/../../other\n"),
				"sys/fs/cgroup/cpu.max": file("100000 100000\n"),
				"sys/cpu.max":           file("50000 100000\n"),
			},
			want: 1,
		},
		{
			name: "v2 malformed file ignored",
			fsys: fstest.MapFS{
				"proc/self/cgroup":      file("0::/\n"),
				"sys/fs/cgroup/cpu.max": file("garbage\n"),
			},
			want: 0,
		},
		{
			name: "v1 unlimited",
			fsys: fstest.MapFS{
				"proc/self/cgroup":                    file("4:memory:/x\n1:cpu,cpuacct:/\n0::/\n"),
				"sys/fs/cgroup/cpu/cpu.cfs_quota_us":  file("-1\n"),
				"sys/fs/cgroup/cpu/cpu.cfs_period_us": file("100000\n"),
			},
			want: 0,
		},
		{
			name: "v1 container sees own cgroup at the mount",
			fsys: fstest.MapFS{
				"proc/self/cgroup":                            file("3:cpu,cpuacct:/docker/abc123\n"),
				"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us":  file("50000\n"),
				"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": file("100000\n"),
			},
			want: 0.5,
		},
		{
			name: "v1 own cgroup under the mount",
			fsys: fstest.MapFS{
				"proc/self/cgroup":                          file("3:cpuacct,cpu:/bench\n"),
				"sys/fs/cgroup/cpu/bench/cpu.cfs_quota_us":  file("250000\n"),
				"sys/fs/cgroup/cpu/bench/cpu.cfs_period_us": file("100000\n"),
				"sys/fs/cgroup/cpu/cpu.cfs_quota_us":        file("-1\n"),
				"sys/fs/cgroup/cpu/cpu.cfs_period_us":       file("100000\n"),
			},
			want: 2.5,
		},
		{
			name: "v1 quota without period ignored",
			fsys: fstest.MapFS{
				"proc/self/cgroup":                   file("1:cpu:/\n"),
				"sys/fs/cgroup/cpu/cpu.cfs_quota_us": file("50000\n"),
			},
			want: 0,
		},
		{
			name: "cpuacct alone is not the cpu controller",
			fsys: fstest.MapFS{
				"proc/self/cgroup":                    file("2:cpuacct:/elsewhere\n1:cpu:/\n"),
				"sys/fs/cgroup/cpu/cpu.cfs_quota_us":  file("300000\n"),
				"sys/fs/cgroup/cpu/cpu.cfs_period_us": file("100000\n"),
			},
			want: 3,
		},
		{
			name: "hybrid takes the tightest of v1 and v2",
			fsys: fstest.MapFS{
				"proc/self/cgroup":                    file("1:cpu:/\n0::/\n"),
				"sys/fs/cgroup/cpu.max":               file("300000 100000\n"),
				"sys/fs/cgroup/cpu/cpu.cfs_quota_us":  file("120000\n"),
				"sys/fs/cgroup/cpu/cpu.cfs_period_us": file("100000\n"),
			},
			want: 1.2,
		},
		{
			name: "no /proc/self/cgroup reads the mount roots",
			fsys: fstest.MapFS{
				"sys/fs/cgroup/cpu.max": file("200000 100000\n"),
			},
			want: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hostinfo.CgroupCPUQuota(tt.fsys); got != tt.want {
				t.Errorf("CgroupCPUQuota = %v, want %v", got, tt.want)
			}
		})
	}
}
