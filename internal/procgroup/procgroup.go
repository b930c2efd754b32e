// Package procgroup starts helper processes that cannot outlive their
// parent: the test harnesses' mariadbd and the docs' bash. Each gets a
// process group of its own, so that Kill reaches whatever it left running in
// the background too, and on Linux the kernel kills it (Pdeathsig) when the
// process that started it dies, so a test binary killed by a timeout or
// Ctrl-C leaves no server or shell behind.
package procgroup

import (
	"os/exec"
	"syscall"
)

// Own must be called before cmd starts.
func Own(cmd *exec.Cmd) { cmd.SysProcAttr = attr() }

// Kill sends SIGKILL to the whole process group of cmd, started after Own:
// the process and everything it started that did not leave the group. It is
// a no-op before cmd starts; after the group is gone it returns ESRCH.
func Kill(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
