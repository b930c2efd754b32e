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
	if haveAVX2 && len(line)-i >= 32 {
		// The vector loops stop at the run's end, or where fewer than a
		// block's bytes are left (32): with 32 or more left, i is the
		// end, which the table loop would only read again.
		if i = tokenRunVector(line, i, d); len(line)-i >= 32 {
			return i
		}
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

// tokenTables is tokenChar as the vector loop tests it, 32 bytes a row:
// a lookup by low nibble, one by high nibble, the nibble mask 0x0f and the
// dot. A byte c is in the set when lo[c&15] & hi[c>>4] is not zero. Each
// distinct row of the set (which low nibbles are in it, for a high
// nibble) has a bit, set in hi for the high nibbles with that row and in
// lo for the low nibbles in it. VPSHUFB looks up within each 16-byte
// lane, so each table is there twice. Made from tokenChar (in extract.go's
// init), so that the set is written once.
var tokenTables [4][32]byte

func makeTokenTables(set *[256]bool) (t [4][32]byte) {
	var rows [][16]bool
	for h := 0; h < 16; h++ {
		var row [16]bool
		for l := range row {
			row[l] = set[h<<4|l]
		}
		if row == ([16]bool{}) {
			continue
		}
		bit := -1
		for i, r := range rows {
			if r == row {
				bit = i
			}
		}
		if bit < 0 {
			bit = len(rows)
			rows = append(rows, row)
		}
		if bit >= 8 {
			panic("logscan: more than eight distinct rows in a byte set")
		}
		for lane := 0; lane < 32; lane += 16 {
			t[1][lane+h] |= 1 << bit
			for l, in := range row {
				if in {
					t[0][lane+l] |= 1 << bit
				}
			}
		}
	}
	for i := range t[2] {
		t[2][i], t[3][i] = 0x0f, '.'
	}
	return t
}
