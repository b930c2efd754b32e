package probetest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Wiki emulates a MediaWiki Action API and oauth2/resource/profile that
// judge a token by its exp alone, optionally behind an Envoy gateway with
// clock skew Skew. It is written from the documented rules (MediaWiki: the
// token is valid while exp > now, zero leeway; jwt_authn: refused once
// now > ⌊exp⌋ + skew, in whole seconds) and decodes the token itself, so a
// probe's prediction is checked against something that is not its own code.
// Signatures are not checked: the tests that use it are about time.
type Wiki struct {
	Now     func() time.Time // the server's clock
	Gateway bool             // an Envoy in front
	Skew    time.Duration    // the gateway's clock_skew_seconds
}

// Answer serves one request.
func (w *Wiki) Answer(r *http.Request) []byte {
	now := w.Now()
	profile := strings.Contains(r.URL.Path, "/rest.php/oauth2/resource/profile")
	auth := r.Header.Get("Authorization")
	tok, isBearer := strings.CutPrefix(auth, "Bearer ") // the session provider's case-sensitive test
	exp, sub, ok := claims(tok)
	if w.Gateway && isBearer {
		if !ok {
			return gatewayWire(r, "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections")
		}
		if e := math.Floor(exp); !math.IsInf(e, 0) && now.Unix() > int64(e)+int64(w.Skew/time.Second) {
			return gatewayWire(r, "Jwt is expired")
		}
	}
	extra := []string{"Date: " + now.UTC().Format(http.TimeFormat)}
	if w.Gateway {
		extra = append(extra, "server: envoy", "x-envoy-upstream-service-time: 3")
	}
	valid := isBearer && ok && float64(now.UnixMicro())/1e6 < exp
	switch {
	case profile && valid:
		body := fmt.Sprintf(`{"sub":%q,"username":%q,"editcount":0,"blocked":false,"groups":["*","user"],"grants":["basic"]}`, sub, userName(sub))
		return Raw("200 OK", append(extra, "Content-Type: application/json"), body)
	case profile:
		body := `{"error":"access_denied","error_description":"The resource owner or authorization server denied the request.","hint":"Access token could not be verified","message":"The resource owner or authorization server denied the request."}`
		return Raw("401 Unauthorized", append(extra, "Content-type: application/json"), body)
	case isBearer && !valid:
		body := `{"error":{"code":"mwoauth-invalid-authorization","info":"The authorization headers in your request are not valid: Invalid access token","*":"See api.php for API usage."}}`
		return Raw("200 OK", append(extra, "MediaWiki-API-Error: mwoauth-invalid-authorization", "Content-Type: application/json; charset=utf-8"), body)
	case valid && sub != "":
		body := fmt.Sprintf(`{"batchcomplete":"","query":{"userinfo":{"id":%s,"name":%q}}}`, sub, userName(sub))
		return Raw("200 OK", append(extra, "Content-Type: application/json; charset=utf-8"), body)
	}
	body := `{"batchcomplete":"","query":{"userinfo":{"id":0,"name":"127.0.0.1","anon":""}}}`
	return Raw("200 OK", append(extra, "Content-Type: application/json; charset=utf-8"), body)
}

func userName(sub string) string { return "User " + sub }

// claims reads exp (seconds, with MediaWiki's microseconds) and the user
// id of a numeric or master's mw:<scope>:<id> sub from a compact JWT,
// without verifying it.
func claims(tok string) (exp float64, sub string, ok bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return 0, "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return 0, "", false
	}
	var c struct {
		Exp json.Number `json:"exp"`
		Sub string      `json:"sub"`
	}
	if json.Unmarshal(b, &c) != nil {
		return 0, "", false
	}
	exp = math.Inf(1)
	if c.Exp != "" {
		if exp, err = strconv.ParseFloat(c.Exp.String(), 64); err != nil {
			return 0, "", false
		}
	}
	id := c.Sub
	if rest, isMW := strings.CutPrefix(id, "mw:"); isMW { // master: mw:<scope>:<id>
		id = rest[strings.LastIndex(rest, ":")+1:]
	}
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		id = ""
	}
	return exp, id, true
}
