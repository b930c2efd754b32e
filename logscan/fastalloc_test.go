package logscan

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/internal/loggen"
	"github.com/mwoauth/mwoauth/verdict"
)

// TestFastJudgeGarbage: judging a valid token on the fast path makes
// little garbage besides crypto/rsa's. The decoded payload is a buffer on
// the stack; when escape analysis moved it to the heap (a callee that
// might keep its input: json.Unmarshal, behind jwtutil's date reader),
// every token cost 2 KiB more, the collector's work and, on this kind of
// VM, page faults on fresh memory: 4 % of a scan of distinct tokens.
func TestFastJudgeGarbage(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	f := floodLog(t)
	k := loadKeys(t)
	var tok string
	for _, tk := range f.g.Tokens {
		if tk.Kind == loggen.Valid {
			tok = tk.Text
			break
		}
	}
	if tok == "" {
		t.Fatal("no valid token in the flood log")
	}
	s := New(Options{Verify: verdict.Options{Keys: []*rsa.PublicKey{k.pub}}, At: loggen.DefaultStart.Add(2 * time.Hour)})
	w := newWorker(s)
	raw := []byte(tok)
	dot := strings.LastIndexByte(tok, '.')
	sig, _ := base64.RawURLEncoding.DecodeString(tok[dot+1:])
	sum := sha256.Sum256(raw[:dot])
	const n = 200
	perCall := func(fn func()) float64 {
		fn()
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		for range n {
			fn()
		}
		runtime.ReadMemStats(&b)
		return float64(b.TotalAlloc-a.TotalAlloc) / n
	}
	rsaBytes := perCall(func() { _ = rsa.VerifyPKCS1v15(k.pub, crypto.SHA256, sum[:], sig) })
	fastBytes := perCall(func() {
		e := &entry{}
		if !s.fastJudge(e, raw, w) {
			t.Fatal("not judged on the fast path")
		}
	})
	if extra := fastBytes - rsaBytes; extra > 1024 {
		t.Errorf("fastJudge allocates %.0f bytes per token, crypto/rsa %.0f of them: %.0f of its own", fastBytes, rsaBytes, extra)
	}
	t.Logf("fastJudge %.0f bytes per token, crypto/rsa %.0f", fastBytes, rsaBytes)
}
