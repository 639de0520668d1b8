package hostinfo_test

import (
	"runtime/debug"
	"testing"

	"github.com/stratbench/stratbench/hostinfo"
)

func TestVersionOf(t *testing.T) {
	const rev = "0123456789abcdef0123456789abcdef01234567"
	build := func(version string, settings ...debug.BuildSetting) *debug.BuildInfo {
		bi := &debug.BuildInfo{Settings: settings}
		bi.Main.Version = version
		return bi
	}
	revision := debug.BuildSetting{Key: "vcs.revision", Value: rev}
	clean := debug.BuildSetting{Key: "vcs.modified", Value: "false"}
	dirty := debug.BuildSetting{Key: "vcs.modified", Value: "true"}

	tests := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{name: "no build info", bi: nil, ok: false, want: "(devel)"},
		{name: "empty main version", bi: build(""), ok: true, want: "(devel)"},
		{name: "devel without vcs", bi: build("(devel)"), ok: true, want: "(devel)"},
		{name: "release", bi: build("v1.2.3"), ok: true, want: "v1.2.3"},
		{name: "devel with revision", bi: build("(devel)", revision, clean), ok: true, want: "(devel) 0123456789ab"},
		{name: "devel dirty", bi: build("(devel)", revision, dirty), ok: true, want: "(devel) 0123456789ab-dirty"},
		{name: "release with revision", bi: build("v1.2.3", revision), ok: true, want: "v1.2.3 0123456789ab"},
		{
			name: "pseudo-version already names revision",
			bi:   build("v0.0.0-20260101000000-0123456789ab+dirty", revision, dirty),
			ok:   true,
			want: "v0.0.0-20260101000000-0123456789ab+dirty",
		},
		{name: "short revision kept whole", bi: build("(devel)", debug.BuildSetting{Key: "vcs.revision", Value: "abc"}), ok: true, want: "(devel) abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hostinfo.VersionOf(tt.bi, tt.ok); got != tt.want {
				t.Errorf("VersionOf = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVersionNotEmpty(t *testing.T) {
	if v := hostinfo.Version(); v == "" {
		t.Error(`Version() = "", want a version or "(devel)"`)
	}
}
