package logscan

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/internal/loggen"
	"github.com/mwoauth/mwoauth/verdict"
)

// reportJSON is a collected report as bytes: two reports are the same
// report when these are equal.
func reportJSON(t testing.TB, c *collected) []byte {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// scanModes are the option sets the state machinery must not change the
// report of: judged at one instant or per line, with and without the
// database, each output.
func scanModes(t *testing.T) map[string]Options {
	t.Helper()
	g := testLog(t)
	k := loadKeys(t)
	at, _ := time.Parse(time.RFC3339Nano, g.g.Expect.JudgedAt)
	regex, _ := NewTimeSource("", loggen.TimeRegex)
	st, err := db.Open(context.Background(), "sqlite:"+g.dbPath, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	base := Options{Verify: verdict.Options{Keys: []*rsa.PublicKey{k.pub}}, At: at}
	modes := map[string]Options{}
	for _, out := range []Output{OutputSummary, OutputTokens} {
		for _, perLine := range []bool{false, true} {
			for _, withDB := range []bool{false, true} {
				o := base
				o.Output = out
				name := map[Output]string{OutputSummary: "summary", OutputTokens: "tokens"}[out]
				if perLine {
					o.Times, name = regex, name+"+per-line"
				}
				if withDB {
					o.Wiki, name = st, name+"+db"
				}
				modes[name] = o
			}
		}
	}
	return modes
}

// TestSpillMatchesMemory: a scan whose state is spilled to runs many
// times over (a budget of a few dozen tokens) makes exactly the report of
// a scan held in memory, in every mode; the runs hold no token text and
// are gone once the report is closed.
func TestSpillMatchesMemory(t *testing.T) {
	g := testLog(t)
	// The first 5000 lines: every token, fewer uses. A token seen again
	// after a spill is judged again, and this budget spills every few
	// dozen tokens.
	log := firstLines(g.log, 5000)
	for name, o := range scanModes(t) {
		t.Run(name, func(t *testing.T) {
			mem := runScan(t, o, map[string][]byte{"access.log": log}, "access.log")
			tmp := t.TempDir()
			o.MemoryLimit, o.TempDir, o.Workers = 1, tmp, 3 // the smallest budget: a spill every few dozen tokens
			rep := scanReport(t, o, map[string][]byte{"access.log": log}, "access.log")
			runs, _ := filepath.Glob(filepath.Join(tmp, "mwoauth-scan-*", "run-*"))
			if len(runs) < 3 {
				t.Errorf("%d runs: the scan did not spill", len(runs))
			}
			for _, p := range runs {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				for _, tk := range g.g.Tokens {
					if sig := tk.Text[strings.LastIndexByte(tk.Text, '.')+1:]; len(sig) > 20 && bytes.Contains(b, []byte(sig)) {
						t.Fatalf("%s holds a token's text", p)
					}
				}
				if bytes.Contains(b, []byte("eyJ")) {
					t.Fatalf("%s holds something like a JWT", p)
				}
			}
			spilled := collect(t, rep) // closes rep
			if a, b := reportJSON(t, mem), reportJSON(t, spilled); !bytes.Equal(a, b) {
				t.Errorf("spilled report differs:\nmemory  %s\nspilled %s", a, b)
			}
			if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

// TestSpillRefusesTokenTexts: --show-tokens never writes a token to disk;
// a scan that would have to is an error, and leaves nothing behind.
func TestSpillRefusesTokenTexts(t *testing.T) {
	g := testLog(t)
	o := scanModes(t)["tokens"]
	tmp := t.TempDir()
	o.KeepTokens, o.MemoryLimit, o.TempDir = true, 1, tmp
	s := New(o)
	err := s.Feed(context.Background(), "access.log", bytes.NewReader(g.log))
	if err == nil {
		_, err = s.Finish()
	}
	s.Close()
	if err == nil || !strings.Contains(err.Error(), "never written to disk") {
		t.Fatalf("err = %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestStateEstimate: the spill budget's estimate of what the entries of
// distinct tokens hold (valid, forged and expired ones, with and without
// per-token output) is close to what the heap grows by: within a factor of
// three either way (the heap's growth after a collection is itself a
// rough figure), so the limit is neither overrun nor spent on nothing.
func TestStateEstimate(t *testing.T) {
	f := floodLog(t)
	for _, out := range []Output{OutputSummary, OutputTokens} {
		k := loadKeys(t)
		o := Options{Verify: verdict.Options{Keys: []*rsa.PublicKey{k.pub}}, At: loggen.DefaultStart.Add(2 * time.Hour), Output: out}
		s := New(o)
		s.start(context.Background())
		before := heapInUse()
		if err := s.Feed(context.Background(), "flood.log", bytes.NewReader(f.log)); err != nil {
			t.Fatal(err)
		}
		s.close()
		grown := heapInUse() - before
		for len(s.free) > 0 { // the chunk buffers are not the state
			grown -= int64(cap(<-s.free))
		}
		est := s.held.Load()
		t.Logf("output %d: %d tokens, estimate %d B (%.0f B/token), heap grew %d B (%.0f B/token)", out, s.unique.Load(),
			est, float64(est)/float64(s.unique.Load()), grown, float64(grown)/float64(s.unique.Load()))
		if !raceEnabled && (3*est < grown || est > 3*grown) {
			t.Errorf("output %d: estimate %d B, heap grew %d B", out, est, grown)
		}
		runtime.KeepAlive(s)
		s.Close()
	}
}

func heapInUse() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse)
}

// firstLines is log's first n lines.
func firstLines(log []byte, n int) []byte {
	at := 0
	for i := 0; i < n && at < len(log); i++ {
		j := bytes.IndexByte(log[at:], '\n')
		if j < 0 {
			return log
		}
		at += j + 1
	}
	return log[:at]
}
