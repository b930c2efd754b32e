package mediawiki

import (
	"bytes"
	"encoding/base64"
	"encoding/pem"
	"strings"
)

// How OpenSSL (3.x, through PHP's openssl_pkey_get_private and
// openssl_pkey_get_public) reads PEM text: what league 9's CryptKey on
// master takes as key content, and what every version's lcobucci reads
// from a key file. Observed with OpenSSL 3.0's PEM_read_bio:
//
//   - lines before the BEGIN line are skipped, so text above the key is
//     harmless; a UTF-8 byte order mark on the first line is dropped;
//   - the BEGIN and END lines must start their line ("  -----BEGIN" is not
//     a start line) and may end in whitespace, but nothing else;
//   - base64 lines may be indented; CRLF line ends are read;
//   - everything after the END line is ignored;
//   - a PEM on one line (literal \n) has no start line.

// opensslPEM returns the first PEM block OpenSSL would read from v, or a
// lint code and reason when it reads none.
func opensslPEM(v []byte) (block *pem.Block, code, why string) {
	lines := bytes.Split(v, []byte("\n"))
	if len(lines) > 0 {
		lines[0] = bytes.TrimPrefix(lines[0], []byte("\xef\xbb\xbf"))
	}
	for i := range lines {
		lines[i] = bytes.TrimRightFunc(lines[i], func(r rune) bool { return r <= ' ' })
	}
	begin, typ := -1, ""
	badBegin := false
	for i, l := range lines {
		if !bytes.HasPrefix(l, []byte("-----BEGIN ")) {
			continue
		}
		rest := l[len("-----BEGIN "):]
		if len(rest) > len("-----") && bytes.HasSuffix(rest, []byte("-----")) && !bytes.Contains(rest[:len(rest)-5], []byte("-----")) {
			begin, typ = i, string(rest[:len(rest)-5])
			break
		}
		badBegin = true
	}
	if begin < 0 {
		switch {
		case bytes.Contains(v, []byte(`\n`)) && bytes.Count(v, []byte("\n")) <= 1 && bytes.Contains(v, pemBegin):
			return nil, "escaped-newlines", `the value has literal \n sequences instead of line breaks`
		case badBegin:
			return nil, "begin-line", "the -----BEGIN line has trailing characters"
		case bytes.Contains(v, pemBegin):
			return nil, "leading-whitespace", "the -----BEGIN line is indented (OpenSSL only reads a BEGIN line that starts its line)"
		}
		return nil, "not-pem", "the value has no -----BEGIN line"
	}
	endLine := []byte("-----END " + typ + "-----")
	var body []byte
	headers := map[string]string{}
	inHeaders := true
	for _, l := range lines[begin+1:] {
		if bytes.Equal(l, endLine) {
			der, err := base64.StdEncoding.DecodeString(string(body))
			if err != nil {
				return nil, "bad-base64", "the base64 between the BEGIN and END lines is damaged"
			}
			return &pem.Block{Type: typ, Headers: headers, Bytes: der}, "", ""
		}
		if bytes.HasPrefix(l, []byte("-----END ")) {
			return nil, "end-line", "the -----END line does not match the -----BEGIN line"
		}
		t := bytes.TrimSpace(l)
		if inHeaders {
			if k, val, ok := strings.Cut(string(t), ":"); ok {
				headers[strings.TrimSpace(k)] = strings.TrimSpace(val)
				continue
			}
			if len(t) == 0 {
				continue
			}
			inHeaders = false
		}
		body = append(body, bytes.Join(bytes.Fields(t), nil)...)
	}
	if bytes.Contains(v, []byte("-----END ")) {
		return nil, "end-line", "the -----END line is indented or does not match the -----BEGIN line"
	}
	return nil, "no-end", "the value has no -----END line"
}
