package client_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/stratbench/stratbench/client/internal/clienttest"
)

func TestMain(m *testing.M) {
	// The test binary doubles as a fake `stratbench serve` for the
	// LocalServer tests and the benchmarks, which need a server in another
	// process.
	if os.Getenv(clienttest.ServeEnv) != "" {
		os.Exit(clienttest.Serve(os.Args[1:]))
	}
	goleak.VerifyTestMain(m)
}
