package verdict

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// EnvoyVerdict predicts Envoy jwt_authn's answer with a provider whose
// issuer/audiences are the verify options and whose JWKS holds the key.
type EnvoyVerdict struct {
	Status          int    `json:"status"` // 200: passed on to the upstream
	Reason          string `json:"reason"`
	WWWAuthenticate string `json:"www_authenticate"`
	Details         string `json:"response_code_details,omitempty"`
	SkewSeconds     int64  `json:"skew_seconds"`
}

// Envoy status strings (google/jwt_verify_lib status.cc).
const (
	EnvoyOK              = "OK"
	EnvoyExpired         = "Jwt is expired"
	EnvoyNotYetValid     = "Jwt not yet valid"
	EnvoyUnknownIssuer   = "Jwt issuer is not configured"
	EnvoyAudNotAllowed   = "Audiences in Jwt are not allowed"
	EnvoyVerifyFail      = "Jwt verification fails"
	EnvoyKidAlgMismatch  = "Jwks doesn't have key to match kid or alg from Jwt"
	EnvoyAlgNotSupported = "Jwt header [alg] is not supported"
	EnvoyBadAlg          = "Jwt header [alg] field is required and must be a string"
	EnvoyBadKid          = "Jwt header [kid] field is not a string"
)

// envoyVerdict follows jwt_authn: parse (types), issuer, time with skew on
// truncated integer seconds, audience, then key lookup and signature.
func envoyVerdict(t *jwtutil.Token, sigOK bool, o Options) EnvoyVerdict {
	skew := int64(o.skew() / time.Second)
	v := EnvoyVerdict{SkewSeconds: skew}
	reason := envoyParse(t)
	if reason == "" && o.Issuer != "" {
		if iss, _ := t.StringClaim("iss"); iss != o.Issuer {
			reason = EnvoyUnknownIssuer
		}
	}
	if reason == "" {
		now := o.Now.Unix()
		if nbf, ok := envoyUint(t, "nbf"); ok && nbf > 0 && now+skew < int64(nbf) {
			reason = EnvoyNotYetValid
		} else if exp, ok := envoyUint(t, "exp"); ok && exp != 0 && now > int64(min(exp, math.MaxInt64-uint64(skew)))+skew {
			reason = EnvoyExpired
		}
	}
	if reason == "" && o.Audience != "" && !slices.Contains(audiences(t), o.Audience) {
		reason = EnvoyAudNotAllowed
	}
	if reason == "" {
		switch {
		case strings.HasPrefix(t.Alg(), "HS") && len(o.Secret) == 0,
			!strings.HasPrefix(t.Alg(), "HS") && len(o.Secret) > 0 && len(o.Keys)+len(o.JWKS) == 0:
			reason = EnvoyKidAlgMismatch
		case len(o.JWKS) > 0 && len(o.Keys) == 0:
			if keys, _ := o.candidateKeys(t); len(keys) == 0 {
				reason = EnvoyKidAlgMismatch
			} else if !sigOK {
				reason = EnvoyVerifyFail
			}
		case !sigOK:
			reason = EnvoyVerifyFail
		}
	}
	if reason == "" {
		v.Status, v.Reason = 200, EnvoyOK
		return v
	}
	v.Status, v.Reason = 401, reason
	if reason == EnvoyAudNotAllowed {
		v.Status = 403
	}
	uri := o.RequestURI
	if uri == "" {
		uri = "<request uri>"
	}
	v.WWWAuthenticate = fmt.Sprintf(`Bearer realm="%s", error="invalid_token"`, uri)
	v.Details = "jwt_authn_access_denied{" + strings.ReplaceAll(reason, " ", "_") + "}"
	return v
}

// envoyParse reproduces jwt_verify_lib's type checks on a parsed token.
func envoyParse(t *jwtutil.Token) string {
	alg, ok := t.Header["alg"].(string)
	if !ok {
		return EnvoyBadAlg
	}
	if !slices.Contains(envoyAlgs, alg) {
		return EnvoyAlgNotSupported
	}
	if kid, ok := t.Header["kid"]; ok {
		if _, s := kid.(string); !s {
			return EnvoyBadKid
		}
	}
	for _, name := range []string{"iss", "sub"} {
		if v, ok := t.Claims[name]; ok {
			if _, s := v.(string); !s {
				return fmt.Sprintf("Jwt payload [%s] field is not a string", name)
			}
		}
	}
	for _, name := range []string{"iat", "nbf", "exp"} {
		v, ok := t.Claims[name]
		if !ok {
			continue
		}
		n, isNum := v.(json.Number)
		if !isNum {
			return fmt.Sprintf("Jwt payload [%s] field is not an integer", name)
		}
		f, err := strconv.ParseFloat(n.String(), 64)
		if err != nil || f < 0 || f >= math.MaxUint64 {
			return fmt.Sprintf("Jwt payload [%s] field is not a positive 64 bit integer", name)
		}
	}
	if v, ok := t.Claims["jti"]; ok {
		if _, s := v.(string); !s {
			return "Jwt payload [jti] field is not a string"
		}
	}
	if v, ok := t.Claims["aud"]; ok {
		bad := false
		switch a := v.(type) {
		case string:
		case []any:
			for _, x := range a {
				if _, s := x.(string); !s {
					bad = true
				}
			}
		default:
			bad = true
		}
		if bad {
			return "Jwt payload [aud] field is not a string or string list"
		}
	}
	return ""
}

// envoyUint reads a time claim as jwt_verify_lib does: a double truncated
// to uint64, so MediaWiki's fractional times lose their microseconds.
func envoyUint(t *jwtutil.Token, name string) (uint64, bool) {
	n, ok := t.Claims[name].(json.Number)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || f < 0 || f >= math.MaxUint64 {
		return 0, false
	}
	return uint64(f), true
}
