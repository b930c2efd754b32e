package logscan

// A JWT is most of a line in a log of bearer tokens, and finding where it
// ends, and where its dots are, is the extractor's hot loop: a table
// lookup per byte ran at about 5 bytes/ns. tokenRun does it 32 bytes at a
// time where the CPU can (tokenrun_amd64.s); everywhere else, and for the
// last bytes of a line, the table loop below. TestTokenRunAgrees and
// FuzzTokenRun hold the two to the same answer.

// runDots is where a token run's first three dots are (absolute positions
// in the line) and how many dots it has in all: JWT shape is exactly two
// dots, or three with the last at the run's end (a sentence's full stop).
type runDots struct {
	at [3]int
	n  int
}

func (d *runDots) add(i int) {
	if d.n < len(d.at) {
		d.at[d.n] = i
	}
	d.n++
}

// tokenRun returns the end of the run of tokenChar bytes starting at i,
// and records the run's dots in d.
func tokenRun(line []byte, i int, d *runDots) int {
	if len(line)-i >= 32 {
		i = tokenRunVector(line, i, d)
	}
	return tokenRunTable(line, i, d)
}

// tokenRunTable is the portable loop: eight bytes per step while none is
// outside the set or a dot, then one byte, and again.
func tokenRunTable(line []byte, i int, d *runDots) int {
	for {
		for ; i+8 <= len(line); i += 8 {
			b := line[i : i+8 : i+8]
			if !(plainTokenChar[b[0]] && plainTokenChar[b[1]] && plainTokenChar[b[2]] && plainTokenChar[b[3]] &&
				plainTokenChar[b[4]] && plainTokenChar[b[5]] && plainTokenChar[b[6]] && plainTokenChar[b[7]]) {
				break
			}
		}
		for ; i < len(line) && plainTokenChar[line[i]]; i++ {
		}
		if i == len(line) || line[i] != '.' {
			return i
		}
		d.add(i)
		i++
	}
}

// plainTokenChar is tokenChar without the dot (filled in with it).
var plainTokenChar [256]bool
