package verdict

import (
	"encoding/base64"
	"encoding/json"
	"math/big"

	"github.com/mwoauth/mwoauth/envoy"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
)

// EnvoyVerdict is Envoy jwt_authn's answer (package envoy, which reproduces
// google/jwt_verify_lib from the raw token) for a provider whose issuer and
// audiences are the verify options and whose JWKS holds the given keys.
type EnvoyVerdict struct {
	Status          int    `json:"status"` // HTTP: 200 passed on to the upstream, 401, 403
	Reason          string `json:"reason"` // jwt_verify_lib's text, e.g. "Jwt is expired"
	WWWAuthenticate string `json:"www_authenticate"`
	Details         string `json:"response_code_details,omitempty"`
	SkewSeconds     int64  `json:"skew_seconds"`
	Code            int    `json:"code"`                  // jwt_verify_lib Status number
	Name            string `json:"name"`                  // its enumerator, e.g. JwtExpired
	Step            string `json:"step"`                  // the check that decided (envoy.Verdict.Step)
	JWKSStatus      string `json:"jwks_status,omitempty"` // why the key set was unusable
	// KeyAssumed: no key was given, so the signature step is assumed to
	// fail as it would with some other key (Note says so).
	KeyAssumed bool   `json:"key_assumed,omitempty"`
	Note       string `json:"note,omitempty"`
}

// Envoy judges the raw token as Envoy would, whether or not mwoauth's own
// parser accepts it: Envoy answers every request, malformed tokens included.
func Envoy(raw string, o Options) EnvoyVerdict {
	p := envoy.Provider{Issuer: o.Issuer, ClockSkew: o.EnvoySkew, RequestURI: o.RequestURI}
	if o.Audience != "" {
		p.Audiences = []string{o.Audience}
	}
	noKey := false
	if p.JWKS = o.EnvoyJWKS; p.JWKS == nil {
		p.JWKS, noKey = providerJWKS(o)
	}
	v := envoy.Verify(raw, p, o.Now)
	if noKey && v.Step == "jwks" {
		// Nothing to check the signature with: say what a gateway holding
		// some other key would answer, and that it is assumed. (The
		// command says which of its flags gives a key.)
		a := envoy.Respond(envoy.JwtVerificationFail, p)
		a.Step, a.JWT = "signature", v.JWT
		out := fromEnvoy(a)
		out.KeyAssumed, out.Note = true, "no key given: the signature check is assumed to fail"
		return out
	}
	return fromEnvoy(v)
}

func fromEnvoy(v envoy.Verdict) EnvoyVerdict {
	out := EnvoyVerdict{Status: v.HTTPStatus, Code: v.Code, Name: v.Status.Name(), Reason: v.Reason, Step: v.Step,
		WWWAuthenticate: v.WWWAuthenticate, Details: v.ResponseCodeDetails, SkewSeconds: int64(v.SkewSeconds)}
	if v.JWKSStatus != envoy.OK {
		out.JWKSStatus = v.JWKSStatus.String()
	}
	return out
}

// providerJWKS is the key set the provider would hold: the --public-key
// keys as `mwoauth keys jwks` writes them, the --jwks keys, and the shared
// secret as an oct key. noKey is true when there is none of them.
func providerJWKS(o Options) (set *envoy.JWKS, noKey bool) {
	var members []json.RawMessage
	if len(o.Keys) > 0 {
		doc, err := keys.JWKS(o.Keys...)
		if err == nil {
			var d struct{ Keys []json.RawMessage }
			if json.Unmarshal(doc, &d) == nil {
				members = append(members, d.Keys...)
			}
		}
	}
	for _, k := range o.JWKS {
		m := map[string]string{"kty": k.Kty}
		if k.Kid != "" {
			m["kid"] = k.Kid
		}
		if k.Alg != "" {
			m["alg"] = k.Alg
		}
		if k.Key != nil {
			m["n"] = base64.RawURLEncoding.EncodeToString(k.Key.N.Bytes())
			m["e"] = base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.Key.E)).Bytes())
		}
		b, _ := json.Marshal(m)
		members = append(members, b)
	}
	if len(o.Secret) > 0 {
		b, _ := json.Marshal(map[string]string{"kty": "oct", "k": base64.RawURLEncoding.EncodeToString(o.Secret)})
		members = append(members, b)
	}
	if len(members) == 0 {
		return nil, true
	}
	doc, _ := json.Marshal(map[string][]json.RawMessage{"keys": members})
	set, _ = envoy.ParseJWKS(doc)
	return set, false
}

// envoyJWT is what Envoy reads from the token, for the timeline; nil when
// Envoy refuses the token's form.
func envoyJWT(t *jwtutil.Token) *envoy.JWT {
	j, _ := envoy.Parse(t.Raw)
	return j
}
