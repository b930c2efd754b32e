//go:build unix && !linux

package procgroup

import "syscall"

// No Pdeathsig here: mariadbtest's Sweep stops a server whose test binary
// died, at the next start.
func attr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
