package hostinfo

import (
	"runtime/debug"
	"strings"
)

// Version returns the version of the stratbench build running: the main
// module's version (such as "v0.3.0", or "(devel)" for a build from a working
// tree), followed by the short VCS revision when the build recorded one and
// the version does not already name it, with "-dirty" when the tree had local
// changes, such as "(devel) 1a2b3c4d5e6f-dirty". It returns "(devel)" when
// the binary carries no build information.
func Version() string {
	return versionOf(debug.ReadBuildInfo())
}

// shortRevisionLen is how many hex digits of a commit hash Version shows, as
// in Go pseudo-versions.
const shortRevisionLen = 12

// versionOf is Version for the build information bi, as returned with ok by
// debug.ReadBuildInfo.
func versionOf(bi *debug.BuildInfo, ok bool) string {
	const devel = "(devel)"
	if !ok || bi == nil {
		return devel
	}
	version := bi.Main.Version
	if version == "" {
		version = devel
	}
	var revision string
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if revision == "" {
		return version
	}
	if len(revision) > shortRevisionLen {
		revision = revision[:shortRevisionLen]
	}
	if strings.Contains(version, revision) {
		// A VCS-stamped pseudo-version such as
		// v0.0.0-20260101000000-1a2b3c4d5e6f+dirty already names it.
		return version
	}
	if modified {
		revision += "-dirty"
	}
	return version + " " + revision
}
