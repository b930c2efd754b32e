//go:build !linux

package mariadbtest

import "syscall"

// sysProcAttr: without Pdeathsig, the next Start's Sweep stops a server
// whose test binary died.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
