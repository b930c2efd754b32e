//go:build !amd64 || purego

package logscan

import "bytes"

var haveAVX512BW = false

func countNL(b []byte) int { return bytes.Count(b, []byte{'\n'}) }
