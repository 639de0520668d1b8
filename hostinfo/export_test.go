package hostinfo

// These names let the external tests in package hostinfo_test drive the
// file-reading internals with fixture file systems.
var (
	CollectFS      = collect
	CgroupCPUQuota = cgroupCPUQuota
	VersionOf      = versionOf
)

// CPUStatFileFS is CPUStatFile reading the file system fsys.
var CPUStatFileFS = cpuStatFile
