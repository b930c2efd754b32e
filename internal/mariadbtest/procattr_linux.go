package mariadbtest

import "syscall"

// sysProcAttr: the server gets its own process group (Stop kills the group)
// and SIGKILL when the test binary dies, so a killed or crashed test leaves
// no mariadbd behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
