package hostinfo

// These names let the external tests in package hostinfo_test drive the
// file-reading internals with fixture file systems.
var (
	CollectFS      = collect
	CgroupCPUQuota = cgroupCPUQuota
	VersionOf      = versionOf
)
