package envoy

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"testing"
)

// TestDecodeBase64URL pins absl::WebSafeBase64Unescape's leniency and its
// refusals (absl/strings/escaping.cc Base64UnescapeInternal).
func TestDecodeBase64URL(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" with ok=false means refused
		ok   bool
	}{
		{"", "", true},
		{"QQ", "A", true},
		{"QUI", "AB", true},
		{"QUJD", "ABC", true},
		{"QQ==", "A", true},           // padding is optional …
		{"QUI=", "AB", true},          // … but when present must be exact
		{"QQ=", "", false},            // one '=' where two are due
		{"QUI==", "", false},          // two where one is due
		{"QUJD=", "", false},          // a full quantum takes none
		{"QQ..", "A", true},           // '.' pads too (an Abseil extension)
		{"QQ=.", "A", true},           // mixed pad characters count together
		{"QQ= =", "A", true},          // whitespace may separate pads
		{"QQ==\n", "A", true},         // and follow them
		{"Q Q", "A", true},            // whitespace inside is skipped
		{"\tQ\nU\rI\v\f", "AB", true}, // all of ascii_isspace
		{"QR", "A", true},             // trailing bits are not checked
		{"QX", "A", true},
		{"QUJ", "AB", true}, // "QUI" with other low bits
		{"Q", "", false},    // 6 stray bits
		{"QUJDR", "", false},
		{"QQ=A", "", false}, // data after padding
		{"+/8", "", false},  // the standard alphabet is refused
		{"-_8", "\xfb\xff", true},
		{"QQ\x00", "", false},
		{"QQ\xff", "", false},
		{"====", "", false},
		{"   ", "", true},
	} {
		got, ok := decodeBase64URL(tc.in)
		if ok != tc.ok || (ok && string(got) != tc.want) {
			t.Errorf("decode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestDecodeBase64URLAgreesWithStdlib: on canonical input, padded or not,
// the emulation and encoding/base64 must decode alike.
func TestDecodeBase64URLAgreesWithStdlib(t *testing.T) {
	buf := make([]byte, 64)
	for n := 0; n <= len(buf); n++ {
		rand.Read(buf[:n])
		for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding} {
			s := enc.EncodeToString(buf[:n])
			got, ok := decodeBase64URL(s)
			if !ok || !bytes.Equal(got, buf[:n]) {
				t.Fatalf("decode(%q) = %x, %v; want %x", s, got, ok, buf[:n])
			}
		}
	}
}
