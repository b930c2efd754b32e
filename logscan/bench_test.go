package logscan

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/internal/loggen"
	"github.com/mwoauth/mwoauth/verdict"
)

// benchLog generates a log of valid tokens: unique (each token once) or
// repeated (each token on ~repeat lines).
func benchLog(b *testing.B, lines, tokens int, unique bool) []byte {
	b.Helper()
	k := loadKeys(b)
	var buf bytes.Buffer
	mix, _ := loggen.ParseMix("valid=1000")
	_, err := loggen.Generate(&buf, loggen.Config{Lines: lines, Tokens: tokens, Seed: 11, Key: k.priv, Forger: k.forger,
		TokenShare: 1000, Unique: unique, Mix: mix})
	if err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func benchScan(b *testing.B, log []byte, o Options) {
	b.SetBytes(int64(len(log)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep := scanReport(b, o, map[string][]byte{"bench.log": log}, "bench.log")
		if err := rep.EachToken(func(*TokenReport) error { return nil }); err != nil {
			b.Fatal(err)
		}
		rep.Close()
	}
}

func benchOptions(b *testing.B) Options {
	k := loadKeys(b)
	return Options{Verify: verdict.Options{Keys: []*rsa.PublicKey{k.pub}}, At: loggen.DefaultStart.Add(2 * time.Hour)}
}

// BenchmarkScanUnique: every line has a token of its own, so the scan is
// bound by RSA verification (compare with BenchmarkRSAVerify × cores).
func BenchmarkScanUnique(b *testing.B) {
	const n = 2000
	log := benchLog(b, n, n, true)
	benchScan(b, log, benchOptions(b))
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkScanIncident: distinct tokens of an incident's log (20 %
// forged, 20 % expired): each costs one RSA verification too.
func BenchmarkScanIncident(b *testing.B) {
	f := floodLog(b)
	benchScan(b, f.log, benchOptions(b))
	b.ReportMetric(float64(len(f.g.Tokens))*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkScanIncidentTokens is BenchmarkScanIncident with a report line
// per token (the state -o json keeps).
func BenchmarkScanIncidentTokens(b *testing.B) {
	f := floodLog(b)
	o := benchOptions(b)
	o.Output = OutputTokens
	benchScan(b, f.log, o)
	b.ReportMetric(float64(len(f.g.Tokens))*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkScanRepeated: 100 uses per token, the common shape of a real log.
func BenchmarkScanRepeated(b *testing.B) {
	const n = 200000
	log := benchLog(b, n, n/100, false)
	benchScan(b, log, benchOptions(b))
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkScanRepeatedPerLine is BenchmarkScanRepeated with each use
// judged at its line's time (--time-regex).
func BenchmarkScanRepeatedPerLine(b *testing.B) {
	const n = 200000
	log := benchLog(b, n, n/100, false)
	o := benchOptions(b)
	o.Times, _ = NewTimeSource("", loggen.TimeRegex)
	benchScan(b, log, o)
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkExtract measures the extractor alone on typical lines.
func BenchmarkExtract(b *testing.B) {
	log := benchLog(b, 2000, 20, false)
	lines := bytes.Split(log, []byte{'\n'})
	b.SetBytes(int64(len(log)))
	var dst []Span
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			dst = Extract(l, dst[:0])
		}
	}
}

// BenchmarkRSAVerify is the ceiling: what any verifier must do per RS256
// token (base64url-decode the signature, SHA-256 the signing input,
// crypto/rsa's PKCS #1 v1.5 check), per core; bench/rsaceil does the same
// on all cores. Compare with BenchmarkScanUnique's tokens/s over cores.
func BenchmarkRSAVerify(b *testing.B) {
	k := loadKeys(b)
	tok := fixtureToken(b, "15-tokenA-cc.jwt")
	dot := strings.LastIndexByte(tok, '.')
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sig, err := base64.RawURLEncoding.DecodeString(tok[dot+1:])
		if err != nil {
			b.Fatal(err)
		}
		h := sha256.Sum256([]byte(tok[:dot]))
		if err := rsa.VerifyPKCS1v15(k.pub, crypto.SHA256, h[:], sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanSpill is BenchmarkScanIncidentTokens with the smallest
// memory budget: the state goes to a run every few dozen tokens and the
// runs are merged at the end (compare the two for the spill's cost).
func BenchmarkScanSpill(b *testing.B) {
	f := floodLog(b)
	o := benchOptions(b)
	o.Output, o.MemoryLimit, o.TempDir = OutputTokens, 1, b.TempDir()
	benchScan(b, f.log, o)
	b.ReportMetric(float64(len(f.g.Tokens))*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkMerge merges the partials of four shards of an incident's log
// into the per-token report, in memory and spilling.
func BenchmarkMerge(b *testing.B) {
	f := floodLog(b)
	o := benchOptions(b)
	var partials [][]byte
	size := 0
	for i, sh := range shards(f.log, 4) {
		p := scanToPartial(b, o, fmt.Sprintf("shard-%d.log", i), sh)
		partials = append(partials, p)
		size += len(p)
	}
	for _, limit := range []int64{0, 1} {
		b.Run(fmt.Sprintf("limit=%d", limit), func(b *testing.B) {
			b.SetBytes(int64(size))
			for i := 0; i < b.N; i++ {
				rep, err := merge(b, MergeOptions{Output: OutputTokens, MemoryLimit: limit, TempDir: b.TempDir()}, partials...)
				if err != nil {
					b.Fatal(err)
				}
				if err := rep.EachToken(func(*TokenReport) error { return nil }); err != nil {
					b.Fatal(err)
				}
				rep.Close()
			}
			b.ReportMetric(float64(len(f.g.Tokens))*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}
