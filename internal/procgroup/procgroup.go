// Package procgroup starts helper processes that cannot outlive their
// parent: the test harnesses' mariadbd and the docs' bash. Each gets a
// process group of its own, so that Kill reaches whatever it left running in
// the background too, and on Linux the kernel kills it (Pdeathsig) when the
// process that started it dies, so a test binary killed by a timeout or
// Ctrl-C leaves no server or shell behind.
//
// On Windows, which has no process groups, Kill kills the process alone
// (the harnesses themselves need a Unix shell and mariadbd: the package
// builds there so that "go vet ./..." and "go build ./..." do).
package procgroup

import "os/exec"

// Own must be called before cmd starts.
func Own(cmd *exec.Cmd) { cmd.SysProcAttr = attr() }

// Kill sends SIGKILL to the whole process group of cmd, started after Own:
// the process and everything it started that did not leave the group. It is
// a no-op before cmd starts; after the group is gone it returns ESRCH.
func Kill(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return killGroup(cmd)
}
