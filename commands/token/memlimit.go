package token

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// parseSize reads a memory size: a number with an optional unit, B, K,
// M, G, T (powers of 1024, as KiB, MiB, GiB, TiB are, and as sort -S and
// docker read them) or kB, MB, GB, TB (powers of 1000). "1GiB", "512M",
// "256MiB" and "1.5G" are sizes; so is a bare number of bytes.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.TrimSpace(t[i:])
	if num == "" {
		return 0, errors.New("want a size such as 512MiB, 1GiB or 2G")
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, errors.New("want a size such as 512MiB, 1GiB or 2G")
	}
	mult := float64(1)
	switch strings.ToLower(unit) {
	case "", "b":
	case "k", "kib":
		mult = 1 << 10
	case "m", "mib":
		mult = 1 << 20
	case "g", "gib":
		mult = 1 << 30
	case "t", "tib":
		mult = 1 << 40
	case "kb":
		mult = 1e3
	case "mb":
		mult = 1e6
	case "gb":
		mult = 1e9
	case "tb":
		mult = 1e12
	default:
		return 0, fmt.Errorf("unknown unit %q (B, KiB, MiB, GiB, TiB; K, M, G, T; kB, MB, GB, TB)", unit)
	}
	v := f * mult
	if v >= math.MaxInt64/2 || math.IsNaN(v) {
		return 0, errors.New("too large")
	}
	return int64(v), nil
}

// minMemoryLimit is the smallest --memory-limit: below it the reader's
// buffers and the runtime alone would not fit.
const minMemoryLimit = 32 << 20

// defaultMemoryLimit is min(1 GiB, a quarter of the memory this process
// may use: the cgroup's limit when there is one, else the machine's).
func defaultMemoryLimit() int64 {
	const ceiling = 1 << 30
	total := systemMemory()
	if total <= 0 {
		return ceiling
	}
	return max(min(ceiling, total/4), minMemoryLimit)
}

// systemMemory is the cgroup's memory limit (v2, then v1) or MemTotal
// from /proc/meminfo; 0 when neither can be read.
func systemMemory() int64 {
	var total int64
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					total = kb << 10
				}
			}
		}
	}
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && v > 0 && (total == 0 || v < total) {
			total = v // "max" (no limit) does not parse
		}
	}
	return total
}

// humanSize writes n bytes as the largest binary unit that divides it
// into a number with at most one decimal: 256 MiB, 1 GiB, 1.5 GiB.
func humanSize(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	f, u := float64(n), 0
	for f >= 1024 && u < len(units)-1 {
		f /= 1024
		u++
	}
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f %s", f, units[u])
	}
	return fmt.Sprintf("%.1f %s", f, units[u])
}
