package probetest

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// token builds an unsigned token with exp at t (the stand-in wiki does not
// check signatures).
func token(exp time.Time, sub string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"typ":"JWT","alg":"RS256"}`)) + "." + enc([]byte(fmt.Sprintf(`{"exp":%d.5,"sub":%q}`, exp.Unix(), sub))) + ".c2ln"
}

func TestMainServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() { done <- Main(ctx, []string{"--gateway", "--skew", "2s"}, pw, io.Discard); pw.Close() }()
	url, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	url = strings.TrimSpace(url)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("url %q", url)
	}
	get := func(tok string) *http.Response {
		req, _ := http.NewRequest("GET", url+"/w/api.php?action=query&meta=userinfo&format=json", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	now := time.Now()
	for _, c := range []struct {
		exp    time.Time
		status int
		mwErr  string
	}{
		{now.Add(time.Hour), 200, ""},
		{now.Add(-time.Second), 200, "mwoauth-invalid-authorization"}, // inside the skew: MediaWiki answers
		{now.Add(-time.Minute), 401, ""},                              // past exp + skew: the gateway answers
	} {
		resp := get(token(c.exp, "4"))
		if resp.StatusCode != c.status || resp.Header.Get("MediaWiki-API-Error") != c.mwErr || resp.Header.Get("Server") != "envoy" {
			t.Errorf("exp %s: %d %q %q", c.exp, resp.StatusCode, resp.Header.Get("MediaWiki-API-Error"), resp.Header.Get("Server"))
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
}

func TestMainUsage(t *testing.T) {
	var errOut strings.Builder
	if code := Main(context.Background(), []string{"--nope"}, io.Discard, &errOut); code != 2 || !strings.Contains(errOut.String(), "usage: mwoauth-fakewiki") {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
	if code := Main(context.Background(), []string{"--replay", t.TempDir()}, io.Discard, &errOut); code != 1 {
		t.Errorf("empty replay dir: exit %d", code)
	}
}
