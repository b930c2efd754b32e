//go:build !amd64 || purego

package logscan

// prefetch is a no-op where there is no prefetch instruction to call:
// the count then fetches the chunk, as it did before fetching ahead.
func prefetch([]byte) {}
