package token

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/jwtutil"
)

// mintedJSON is the stable --output json shape of remint and mint: the
// token they were asked to make, its header and claims exactly as written
// (numbers keep their microseconds), and exp as RFC 3339 UTC.
type mintedJSON struct {
	Token  string     `json:"token"`
	Header orderedRaw `json:"header"`
	Claims orderedRaw `json:"claims"`
	Exp    string     `json:"exp,omitempty"`
	// TokenRow is mint --create-row's row, and where it went.
	TokenRow *tokenRowJSON `json:"token_row,omitempty"`
}

func writeMinted(w io.Writer, tok *jwtutil.Token, row *tokenRowJSON) error {
	v := mintedJSON{Token: tok.Raw, Header: rawObject(tok.RawHeader()), Claims: rawObject(tok.RawClaims()), TokenRow: row}
	if exp := tok.TimeClaim("exp"); exp.Numeric {
		v.Exp = jwtutil.FormatDate(exp.Date)
	}
	return cmdutil.WriteJSON(w, v)
}

// orderedRaw renders a JSON object from a token segment with its keys in
// written order and every value's bytes as written (numbers stay
// 1795342075.525625, never 1.795342075525625e+09).
type orderedRaw []rawMember

type rawMember struct {
	Key   string
	Value json.RawMessage
}

func (o orderedRaw) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.Key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(m.Value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func rawObject(members []jwtutil.RawMember) orderedRaw {
	out := make(orderedRaw, 0, len(members))
	for _, m := range members {
		out = append(out, rawMember{Key: m.Name, Value: json.RawMessage(m.JSON)})
	}
	return out
}
