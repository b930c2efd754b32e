package keys

import (
	"bytes"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// JWK is one entry of a JWKS. Key is nil for keys we cannot use for RS256
// (non-RSA, or damaged); they are still listed so callers can say why.
type JWK struct {
	Kid, Alg, Use, Kty string
	Key                *rsa.PublicKey
}

type jwkJSON struct {
	Kty string `json:"kty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Alg string `json:"alg,omitempty"`
	Use string `json:"use,omitempty"`
	Kid string `json:"kid,omitempty"`
	D   string `json:"d,omitempty"`
}

// ParseJWKS reads a JWKS document ({"keys":[...]}) or a single JWK. RSA
// keys get Key set; other key types are listed with Key nil. A malformed RSA
// entry, an empty set or non-JSON input is an error (wrapping ErrBadKey).
func ParseJWKS(doc []byte) ([]JWK, error) {
	doc = bytes.TrimSpace(bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf")))
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(doc, &probe); err != nil {
		return nil, fmt.Errorf("%w: JWKS is not a JSON object: %v", ErrBadKey, err)
	}
	var raw []json.RawMessage
	if ks, ok := probe["keys"]; ok {
		if err := json.Unmarshal(ks, &raw); err != nil {
			return nil, fmt.Errorf("%w: JWKS \"keys\" is not an array: %v", ErrBadKey, err)
		}
	} else if _, ok := probe["kty"]; ok {
		raw = []json.RawMessage{doc}
	} else {
		return nil, fmt.Errorf("%w: JSON has neither \"keys\" (JWKS) nor \"kty\" (JWK)", ErrBadKey)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("%w: JWKS has no keys", ErrNoKey)
	}
	out := make([]JWK, 0, len(raw))
	for i, r := range raw {
		var j jwkJSON
		if err := json.Unmarshal(r, &j); err != nil {
			return nil, fmt.Errorf("%w: JWKS key %d: %v", ErrBadKey, i, err)
		}
		k := JWK{Kid: j.Kid, Alg: j.Alg, Use: j.Use, Kty: j.Kty}
		if j.Kty == "RSA" {
			pub, err := rsaFromJWK(j.N, j.E)
			if err != nil {
				return nil, fmt.Errorf("%w: JWKS key %d (kid %q): %v", ErrBadKey, i, j.Kid, err)
			}
			k.Key = pub
		}
		out = append(out, k)
	}
	return out, nil
}

func rsaFromJWK(n64, e64 string) (*rsa.PublicKey, error) {
	if n64 == "" || e64 == "" {
		return nil, errors.New(`RSA key needs both "n" and "e"`)
	}
	n, err := b64urlInt(n64)
	if err != nil {
		return nil, fmt.Errorf(`"n": %v`, err)
	}
	e, err := b64urlInt(e64)
	if err != nil {
		return nil, fmt.Errorf(`"e": %v`, err)
	}
	if n.Sign() <= 0 || n.Bit(0) == 0 {
		return nil, errors.New(`"n" is not a valid RSA modulus`)
	}
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
		return nil, errors.New(`"e" is not a valid RSA exponent`)
	}
	return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
}

// b64urlInt decodes an unsigned big-endian integer; padding is tolerated
// because hand-written JWKS often carry it, standard base64 is not.
func b64urlInt(s string) (*big.Int, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("not base64url: %v", err)
	}
	if len(b) == 0 {
		return nil, errors.New("empty")
	}
	return new(big.Int).SetBytes(b), nil
}

func parseJWKKey(text []byte) (*KeyInfo, error) {
	keys, err := ParseJWKS(text)
	if err != nil {
		return nil, err
	}
	var found []*rsa.PublicKey
	for _, k := range keys {
		if k.Key != nil {
			found = append(found, k.Key)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%w: the JWKS holds no RSA key", ErrNotRSA)
	case 1:
		return &KeyInfo{Public: found[0], Format: FormatJWK}, nil
	}
	return nil, fmt.Errorf("%w: the JWKS holds %d RSA keys; a single key was expected", ErrBadKey, len(found))
}

// JWKS renders {"keys":[{kty,n,e,alg:"RS256",use:"sig",kid}]} (compact JSON)
// for Envoy's local_jwks. The kid is the RFC 7638 thumbprint, so it is stable
// for a key and the same whoever computes it. MediaWiki tokens carry no kid,
// which Envoy handles by trying every key in the set.
func JWKS(pubs ...*rsa.PublicKey) ([]byte, error) {
	if len(pubs) == 0 {
		return nil, fmt.Errorf("%w: JWKS needs at least one public key", ErrNoKey)
	}
	set := struct {
		Keys []jwkJSON `json:"keys"`
	}{}
	for i, p := range pubs {
		if p == nil || p.N == nil {
			return nil, fmt.Errorf("%w: key %d is nil", ErrBadKey, i)
		}
		n, e := jwkNE(p)
		set.Keys = append(set.Keys, jwkJSON{Kty: "RSA", N: n, E: e, Alg: "RS256", Use: "sig", Kid: Thumbprint(p)})
	}
	return json.Marshal(set)
}

func jwkNE(p *rsa.PublicKey) (n, e string) {
	return base64.RawURLEncoding.EncodeToString(p.N.Bytes()),
		base64.RawURLEncoding.EncodeToString(big.NewInt(int64(p.E)).Bytes())
}
