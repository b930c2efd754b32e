//go:build unix

package procgroup

import (
	"os/exec"
	"syscall"
)

func killGroup(cmd *exec.Cmd) error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

// KillPID sends SIGKILL to the process pid.
func KillPID(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }

// Alive reports whether a process pid exists (signal 0 reaches it).
func Alive(pid int) bool { return syscall.Kill(pid, 0) == nil }
