// Command rsaceil measures the RS256 verification ceiling of this machine:
// how many JWT signatures crypto/rsa verifies per second, on one core and
// on all cores. Per token it does the irreducible work of any verifier:
// base64url-decode the signature, SHA-256 the signing input, and
// rsa.VerifyPKCS1v15. bench/run.sh compares "mwoauth token scan" with it.
//
// With -verifier rs256 the last step is jwtutil/rs256 instead, the verifier
// the scan uses: the same arithmetic with the key's modulus prepared once.
// That rate is the ceiling of mwoauth's own verifier, so the scan against
// it measures what the scan spends besides verifying; against crypto/rsa,
// what a user gains over any verifier built on crypto/rsa.
//
// Usage: rsaceil -key oauth2-public.pem -tokens tokens.txt [-rounds 3] [-verifier crypto/rsa|rs256]
package main

import (
	"bufio"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil/rs256"
)

func main() {
	keyPath := flag.String("key", "", "RSA public key (PEM, PKIX)")
	tokPath := flag.String("tokens", "", "file with one token per line")
	rounds := flag.Int("rounds", 3, "passes over the tokens; the best is reported")
	verifier := flag.String("verifier", "crypto/rsa", "crypto/rsa, or rs256 (jwtutil/rs256, the scan's)")
	flag.Parse()
	pub, err := readKey(*keyPath)
	if err != nil {
		fail(err)
	}
	var verify func(digest, sig []byte) bool
	switch *verifier {
	case "crypto/rsa":
		verify = func(digest, sig []byte) bool { return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest, sig) == nil }
	case "rs256":
		verify = rs256.New(pub).Verify
	default:
		fail(fmt.Errorf("-verifier %q: crypto/rsa or rs256", *verifier))
	}
	toks, err := readTokens(*tokPath)
	if err != nil {
		fail(err)
	}
	if len(toks) == 0 {
		fail(fmt.Errorf("no tokens in %s", *tokPath))
	}
	one := best(*rounds, func() time.Duration { return run(verify, toks, 1) })
	all := best(*rounds, func() time.Duration { return run(verify, toks, runtime.GOMAXPROCS(0)) })
	n := float64(len(toks))
	fmt.Printf("tokens=%d cores=%d single_core_per_s=%.0f all_cores_per_s=%.0f\n",
		len(toks), runtime.GOMAXPROCS(0), n/one.Seconds(), n/all.Seconds())
}

func best(rounds int, f func() time.Duration) time.Duration {
	var b time.Duration
	for i := 0; i < rounds; i++ {
		if d := f(); b == 0 || d < b {
			b = d
		}
	}
	return b
}

// run verifies every token once with the given number of goroutines; a
// token signed with another key still costs one full verification.
func run(verify func(digest, sig []byte) bool, toks []string, workers int) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(toks)) {
					return
				}
				t := toks[i]
				dot := strings.LastIndexByte(t, '.')
				sig, err := base64.RawURLEncoding.DecodeString(t[dot+1:])
				if err != nil {
					continue
				}
				h := sha256.Sum256([]byte(t[:dot]))
				_ = verify(h[:], sig)
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

func readKey(path string) (*rsa.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("%s: no PEM block", path)
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, err
	}
	pub, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an RSA key", path)
	}
	return pub, nil
}

func readTokens(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			out = append(out, t)
		}
	}
	return out, sc.Err()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "rsaceil:", err)
	os.Exit(1)
}
