//go:build race

package logscan

// raceEnabled: the race detector changes what allocations cost.
const raceEnabled = true
