//go:build !amd64 || purego

package logscan

var haveAVX2 = false

func tokenRunVector(line []byte, i int, d *runDots) int { return i }

func gapNextVector(line []byte, i, from int, kw *[2]int) int { return i }

var useAVX512Run = false
