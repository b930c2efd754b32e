package scan
import ("testing";"os";"strings";"time";"crypto";"crypto/rsa";"crypto/sha256";"encoding/base64";"context";"github.com/mwoauth/mwoauth/jwtutil";"github.com/mwoauth/mwoauth/internal/loggen")
func TestTmpSingle(t *testing.T){
	p := os.Getenv("TOKFILE"); if p=="" {t.Skip()}
	b,_ := os.ReadFile(p); toks := strings.Fields(string(b))[:5000]
	k := loadKeys(t)
	var bj, bl, bc time.Duration
	for r:=0;r<5;r++{
		s := New(Options{Verify: jwtutil.VerifyOptions{Keys: []*rsa.PublicKey{k.pub}}, At: loggen.DefaultStart.Add(2*time.Hour)})
		s.ctx = context.Background()
		t0 := time.Now()
		for _, tk := range toks { e := &entry{key: tk}; s.fastJudge(e) }
		d := time.Since(t0); if bj==0||d<bj {bj=d}
		t0 = time.Now()
		for _, tk := range toks { s.lookup([]byte(tk), false) }
		d = time.Since(t0); if bl==0||d<bl {bl=d}
		t0 = time.Now()
		for _, tk := range toks { dd := strings.LastIndexByte(tk, '.'); sig, _ := base64.RawURLEncoding.DecodeString(tk[dd+1:]); h := sha256.Sum256([]byte(tk[:dd])); rsa.VerifyPKCS1v15(k.pub, crypto.SHA256, h[:], sig) }
		d = time.Since(t0); if bc==0||d<bc {bc=d}
	}
	n := float64(len(toks))
	t.Logf("per token: fastJudge %.1fµs lookup(judge+id+maps) %.1fµs ceiling %.1fµs", bj.Seconds()*1e6/n, bl.Seconds()*1e6/n, bc.Seconds()*1e6/n)
}
