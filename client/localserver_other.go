//go:build !linux

package client

import "os/exec"

// detach does nothing outside Linux.
func detach(*exec.Cmd) {}
