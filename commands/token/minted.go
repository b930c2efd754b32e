package token

import (
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
	v := mintedJSON{Token: tok.Raw, Header: orderedRaw(tok.RawHeader()), Claims: orderedRaw(tok.RawClaims()), TokenRow: row}
	if exp := tok.TimeClaim("exp"); exp.Numeric {
		v.Exp = jwtutil.FormatDate(exp.Date)
	}
	return cmdutil.WriteJSON(w, v)
}

// orderedRaw renders a JSON object from a token segment with its keys in
// written order and every value's bytes as written (numbers stay
// 1795342075.525625, never 1.795342075525625e+09): jwtutil.ObjectJSON,
// the one writer of such an object.
type orderedRaw []jwtutil.RawMember

func (o orderedRaw) MarshalJSON() ([]byte, error) { return jwtutil.ObjectJSON(o), nil }
