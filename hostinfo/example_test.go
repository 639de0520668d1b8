package hostinfo_test

import (
	"fmt"
	"runtime"

	"github.com/stratbench/stratbench/hostinfo"
)

func ExampleCollect() {
	f := hostinfo.Collect()
	// A real run writes f to hosts.json or prints f.String(); here we print
	// only what holds on every host.
	fmt.Println(f.LogicalCPUs > 0)
	fmt.Println(f.GoVersion == runtime.Version())
	// Output:
	// true
	// true
}

func ExampleStartCPUMeter() {
	m, err := hostinfo.StartCPUMeter()
	if err != nil {
		fmt.Println(err)
		return
	}
	// ... drive load ...
	u, err := m.Stop()
	if err != nil {
		fmt.Println(err)
		return
	}
	// A client above, say, 90% of its available CPU is saturated, and its
	// numbers measure itself rather than the server.
	fmt.Println(u.AvailableCPUs > 0, u.Percent >= 0)
	// Output: true true
}
