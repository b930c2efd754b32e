package logscan

import (
	"bytes"
	"crypto/rsa"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/verdict"
)

// lineOf is a stand-in for the command's encoder: every field that
// orders or names a line.
func lineOf(b []byte, tr *TokenReport) []byte {
	return fmt.Appendf(b, "%s %s %d %s:%d\n", tr.ID, tr.Verdict, tr.Count, tr.FirstSeen.File, tr.FirstSeen.Line)
}

// failAfter fails every write once n bytes are written.
type failAfter struct {
	n   int
	buf bytes.Buffer
}

var errFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if f.buf.Len()+len(p) > f.n {
		return 0, errFull
	}
	return f.buf.Write(p)
}

// TestWriteTokensInOrder: the lines encoded on every core are written in
// EachToken's order, whole batches at a time; a failing writer stops the
// writing with its error.
func TestWriteTokensInOrder(t *testing.T) {
	f := floodLog(t) // 2,000 distinct tokens: several batches
	k := loadKeys(t)
	o := Options{Output: OutputTokens, Verify: verdict.Options{Keys: []*rsa.PublicKey{k.pub}}, At: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)}
	rep := scanReport(t, o, map[string][]byte{"f.log": f.log}, "f.log")
	defer rep.Close()
	var want []byte
	if err := rep.EachToken(func(tr *TokenReport) error { want = lineOf(want, tr); return nil }); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := rep.WriteTokens(&got, lineOf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("WriteTokens wrote %d bytes, not EachToken's %d in order", got.Len(), len(want))
	}
	short := &failAfter{n: len(want) / 2}
	if err := rep.WriteTokens(short, lineOf); !errors.Is(err, errFull) {
		t.Fatalf("WriteTokens to a full disk: %v", err)
	}
	if !bytes.HasPrefix(want, short.buf.Bytes()) {
		t.Fatal("before the error, WriteTokens wrote lines out of order")
	}
}
