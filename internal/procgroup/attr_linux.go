package procgroup

import "syscall"

// Pdeathsig is sent when the thread that started the child exits; the Go
// runtime only ends a thread whose goroutine locked it, which these
// harnesses never do, so in practice it is when the process dies.
func attr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
