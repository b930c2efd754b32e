package jwtutil

import (
	"github.com/golang-jwt/jwt/v5"

	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// ClaimEdit sets one claim to a raw JSON value.
type ClaimEdit struct {
	Name string
	JSON []byte
}

// RemintOptions says what changes. Anything not named stays byte-for-byte.
type RemintOptions struct {
	Exp, NBF, IAT *time.Time  // written in the claim's existing number form
	Set           []ClaimEdit // replace in place, or append at the end
	Unset         []string
}

// RemintNote is something the caller should tell the user (on stderr).
type RemintNote string

// Remint re-signs t with key (RS256) after applying o. The header segment
// is reused as is, claims keep their order and every untouched value keeps
// its bytes; time claims keep their form (an int stays an int, a float is
// written as PHP's json_encode writes lcobucci's (float)"U.u").
//
// WARNING: Remint does not check t's signature; the caller must verify the
// input first (mwoauth token remint does, unless --allow-unverified).
func Remint(t *Token, key *rsa.PrivateKey, o RemintOptions) (string, []RemintNote, error) {
	if key == nil {
		return "", nil, fmt.Errorf("no private key")
	}
	if alg := t.Alg(); alg != "RS256" {
		return "", nil, fmt.Errorf("the token's alg is %q; remint signs with RS256 and keeps the header, so it only re-mints RS256 tokens", alg)
	}
	var notes []RemintNote
	edits := map[string][]byte{}
	var order []string
	setEdit := func(name string, v []byte) {
		if _, ok := edits[name]; !ok {
			order = append(order, name)
		}
		edits[name] = v
	}
	defaultForm := TimeInt
	for _, n := range TimeClaimNames {
		if t.TimeClaim(n).Form == TimeFloat {
			defaultForm = TimeFloat
		}
	}
	for _, tv := range []struct {
		name string
		at   *time.Time
	}{{"iat", o.IAT}, {"nbf", o.NBF}, {"exp", o.Exp}} {
		if tv.at == nil {
			continue
		}
		tc := t.TimeClaim(tv.name)
		form := tc.Form
		var raw string
		switch {
		case !tc.Present:
			form = defaultForm
			notes = append(notes, RemintNote(fmt.Sprintf("the token had no %s; added it at the end", tv.name)))
			raw = FormatNumericDate(*tv.at, form)
		case form == TimeString:
			inner := TimeInt
			if bytes.ContainsAny([]byte(tc.Raw), ".eE") {
				inner = TimeFloat
			}
			raw = JSONString(FormatNumericDate(*tv.at, inner))
		case form == TimeFloat || form == TimeInt:
			raw = FormatNumericDate(*tv.at, form)
		default:
			raw = FormatNumericDate(*tv.at, defaultForm)
		}
		if form == TimeInt && tv.at.Nanosecond() != 0 {
			notes = append(notes, RemintNote(fmt.Sprintf("%s is an integer in this token: sub-second part dropped", tv.name)))
		}
		setEdit(tv.name, []byte(raw))
	}
	for _, e := range o.Set {
		if !json.Valid(e.JSON) {
			return "", nil, fmt.Errorf("value for %s is not valid JSON: %s", e.Name, e.JSON)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, e.JSON); err != nil {
			return "", nil, err
		}
		setEdit(e.Name, buf.Bytes())
	}
	remove := map[string]bool{}
	for _, n := range o.Unset {
		if _, ok := edits[n]; ok {
			return "", nil, fmt.Errorf("claim %s is both set and unset", n)
		}
		if !t.Has(n) {
			notes = append(notes, RemintNote(fmt.Sprintf("the token has no claim %s to remove", n)))
		}
		remove[n] = true
	}
	payload, err := rewriteObject(t.PayloadJSON, edits, order, remove)
	if err != nil {
		return "", nil, err
	}
	if !json.Valid(payload) {
		return "", nil, fmt.Errorf("internal error: rewritten payload is not valid JSON")
	}
	return SignRS256(t.HeaderB64, payload, key), notes, nil
}

// rewriteObject replaces, removes and appends top-level members of a JSON
// object, leaving every other byte (order, spacing, number text) alone.
func rewriteObject(b []byte, edits map[string][]byte, order []string, remove map[string]bool) ([]byte, error) {
	members, err := objectMembers(b)
	if err != nil {
		return nil, err
	}
	present := map[string]bool{}
	var kept []int
	for i, m := range members {
		present[m.Key] = true
		if !remove[m.Key] {
			kept = append(kept, i)
		}
	}
	var out bytes.Buffer
	closeAt := bytes.LastIndexByte(b, '}')
	if len(members) == 0 {
		out.Write(b[:closeAt])
	} else {
		out.Write(b[:members[0].Start])
	}
	for j, i := range kept {
		m := members[i]
		if v, ok := edits[m.Key]; ok {
			out.Write(b[m.Start:m.ValStart])
			out.Write(v)
		} else {
			out.Write(b[m.Start:m.End])
		}
		if j < len(kept)-1 {
			out.Write(b[m.End:members[i+1].Start])
		}
	}
	n := len(kept)
	for _, name := range order {
		if present[name] {
			continue
		}
		if n > 0 {
			out.WriteByte(',')
		}
		out.WriteString(JSONString(name))
		out.WriteByte(':')
		out.Write(edits[name])
		n++
	}
	if len(members) == 0 {
		out.Write(b[closeAt:])
	} else {
		out.Write(b[members[len(members)-1].End:])
	}
	return out.Bytes(), nil
}

// JSONString renders s as a JSON string, HTML left unescaped as PHP's
// JSON_UNESCAPED_SLASHES|JSON_UNESCAPED_UNICODE output and lcobucci write it.
func JSONString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return string(bytes.TrimRight(buf.Bytes(), "\n"))
}

// SignRS256 signs headerB64 + "." + base64url(payload) with key and returns
// the compact token.
func SignRS256(headerB64 string, payload []byte, key *rsa.PrivateKey) string {
	input := headerB64 + "." + base64.RawURLEncoding.EncodeToString(payload)
	sig, err := jwt.SigningMethodRS256.Sign(input, key)
	if err != nil {
		panic(fmt.Sprintf("rsa sign: %v", err)) // only fails for keys too small for SHA-256, which ParsePrivateKey refuses
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// NewJTI returns 80 random lowercase hex characters, like oaat_identifier.
func NewJTI() (string, error) {
	b := make([]byte, 40)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
