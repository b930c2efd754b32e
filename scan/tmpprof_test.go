package scan
import ("testing";"os";"context";"crypto/rsa";"crypto";"crypto/sha256";"encoding/base64";"strings";"sync";"sync/atomic";"github.com/mwoauth/mwoauth/jwtutil";"github.com/mwoauth/mwoauth/internal/loggen";"time";"syscall")
func TestTmpProf(t *testing.T){
	p := os.Getenv("SCANFILE"); if p=="" {t.Skip()}
	b,_ := os.ReadFile(os.Getenv("TOKFILE")); toks := strings.Fields(string(b))
	k := loadKeys(t)
	var bestScan, bestCeil time.Duration
	for r:=0;r<10;r++{
	f,_ := os.Open(p)
	s := New(Options{Verify: jwtutil.VerifyOptions{Keys: []*rsa.PublicKey{k.pub}}, At: loggen.DefaultStart.Add(2*time.Hour)})
	var ru0, ru1 syscall.Rusage; syscall.Getrusage(0, &ru0)
	t0 := time.Now()
	if err := s.Feed(context.Background(), "x", f); err != nil {t.Fatal(err)}
	s.Finish()
	d := time.Since(t0)
	syscall.Getrusage(0, &ru1)
	cpu := time.Duration(ru1.Utime.Nano()+ru1.Stime.Nano()-ru0.Utime.Nano()-ru0.Stime.Nano())
	t.Logf("scan wall %v cpu %v util %.2f", d, cpu, float64(cpu)/float64(d))
	f.Close()
	if bestScan == 0 || d < bestScan { bestScan = d }
	var next atomic.Int64; var wg sync.WaitGroup
	t0 = time.Now()
	for w:=0; w<2; w++ { wg.Add(1); go func(){ defer wg.Done(); for { i := next.Add(1)-1; if i >= int64(len(toks)) {return}; tk := toks[i]; d := strings.LastIndexByte(tk, '.'); sig, _ := base64.RawURLEncoding.DecodeString(tk[d+1:]); h := sha256.Sum256([]byte(tk[:d])); rsa.VerifyPKCS1v15(k.pub, crypto.SHA256, h[:], sig) } }() }
	wg.Wait()
	d = time.Since(t0)
	if bestCeil == 0 || d < bestCeil { bestCeil = d }
	}
	t.Logf("best scan %v best ceiling %v ratio %.2f", bestScan, bestCeil, float64(bestCeil)/float64(bestScan))
}
