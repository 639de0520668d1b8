package client

import (
	"os/exec"
	"syscall"
)

// detach puts the child in its own process group, so that a Ctrl-C at the
// terminal reaches only stratbench, which then stops the child in order
// (after cancelling its RPCs), and asks the kernel to send the child
// SIGTERM if stratbench dies without stopping it.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
