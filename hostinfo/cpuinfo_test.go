package hostinfo_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stratbench/stratbench/hostinfo"
)

func TestParseCPUModelFixtures(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"cpuinfo_x86.txt", "AMD EPYC 7B13"},
		{"cpuinfo_arm64.txt", "ARM Neoverse-N1"},
		// 32-bit ARM kernels write a "model name"; it wins over the SoC name.
		{"cpuinfo_arm32.txt", "ARMv7 Processor rev 4 (v7l)"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := hostinfo.ParseCPUModel(f)
			if err != nil {
				t.Fatalf("ParseCPUModel: %v", err)
			}
			if got != tt.want {
				t.Errorf("ParseCPUModel = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseCPUModel(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{
			name: "model name first of several",
			in:   "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\nprocessor\t: 1\nmodel name\t: other\n",
			want: "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz",
		},
		{
			name: "model name keeps colons in value",
			in:   "model name\t: Weird: CPU\n",
			want: "Weird: CPU",
		},
		{
			name: "old ARM Processor beats Hardware",
			in:   "Processor\t: ARMv6-compatible processor rev 7 (v6l)\nprocessor\t: 0\nHardware\t: BCM2708\n",
			want: "ARMv6-compatible processor rev 7 (v6l)",
		},
		{
			name: "lowercase processor is an index, not a model",
			in:   "processor\t: 0\nHardware\t: Qualcomm Technologies, Inc SM8150\n",
			want: "Qualcomm Technologies, Inc SM8150",
		},
		{
			name: "CPU part beats Hardware",
			in:   "CPU implementer\t: 0x41\nCPU part\t: 0xd08\nHardware\t: BCM2835\n",
			want: "ARM Cortex-A72",
		},
		{
			name: "heterogeneous cores joined in order",
			in: "processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd05\n\n" +
				"processor\t: 1\nCPU implementer\t: 0x41\nCPU part\t: 0xd05\n\n" +
				"processor\t: 2\nCPU implementer\t: 0x41\nCPU part\t: 0xd0b\n",
			want: "ARM Cortex-A55 + ARM Cortex-A76",
		},
		{
			name: "Graviton3",
			in:   "CPU implementer\t: 0x41\nCPU part\t: 0xd40\n",
			want: "ARM Neoverse-V1",
		},
		{
			name: "known implementer, unknown part",
			in:   "CPU implementer\t: 0xc0\nCPU part\t: 0xac3\n",
			want: "Ampere part 0xac3",
		},
		{
			name: "unknown implementer",
			in:   "CPU implementer\t: 0x99\nCPU part\t: 0x001\n",
			want: "CPU implementer 0x99 part 0x001",
		},
		{
			name: "part without implementer",
			in:   "CPU part\t: 0xd0c\n",
			want: "CPU part 0xd0c",
		},
		{
			name:    "empty",
			in:      "",
			wantErr: true,
		},
		{
			name:    "no model fields",
			in:      "processor\t: 0\nmodel name\t:\nflags\t: fpu\n",
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hostinfo.ParseCPUModel(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseCPUModel error = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseCPUModel = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseCPUModelReadError(t *testing.T) {
	errRead := errors.New("disk on fire")
	_, err := hostinfo.ParseCPUModel(iotest.ErrReader(errRead))
	if !errors.Is(err, errRead) {
		t.Errorf("ParseCPUModel error = %v, want it to wrap %v", err, errRead)
	}
}
