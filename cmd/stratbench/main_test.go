package main

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// runMainEnv makes the test binary behave as the stratbench command, so that
// tests can run it as a real child process (signals, exit codes).
const runMainEnv = "STRATBENCH_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) != "" {
		main()
		return
	}
	goleak.VerifyTestMain(m)
}
