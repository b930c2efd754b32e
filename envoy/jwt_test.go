package envoy

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
)

const rs256 = `{"alg":"RS256","typ":"JWT"}`

// TestParseUpstreamCases are the cases of jwt_verify_lib test/jwt_test.cc
// (JwtParseTest.*), rebuilt from the JSON their comments give.
func TestParseUpstreamCases(t *testing.T) {
	sig := b64("Signature")
	pay := `{"iss":"https://example.com","sub":"test@example.com","exp":1501281058}`
	for _, tc := range []struct {
		name  string // upstream test
		token string
		want  Status
	}{
		{"TestEmptyJwt", "", JwtBadFormat},
		{"TestTooManySections", "aaa.bbb.ccc.ddd.eee", JwtBadFormat},
		{"TestTooLargeJwt", strings.Repeat("c", 10240), JwtBadFormat},
		// The header ends in '+', outside the URL-safe alphabet.
		{"TestParseHeaderBadBase64", b64(`{"alg":"RS256","typ":"JWT", this is a invalid json}`) + "+." + b64(pay) + "." + sig, JwtHeaderParseErrorBadBase64},
		{"TestParseHeaderBadJson", b64(`{"alg":"RS256","typ":"JWT", this is a invalid json}`) + "." + b64(pay) + "." + sig, JwtHeaderParseErrorBadJSON},
		{"TestParseHeaderAbsentAlg", b64(`{"typ":"JWT"}`) + "." + b64(pay) + "." + sig, JwtHeaderBadAlg},
		{"TestParseHeaderAlgIsNotString", b64(`{"alg":256,"typ":"JWT"}`) + "." + b64(pay) + "." + sig, JwtHeaderBadAlg},
		{"TestParseHeaderInvalidAlg", b64(`{"alg":"InvalidAlg","typ":"JWT"}`) + "." + b64(pay) + "." + sig, JwtHeaderNotImplementedAlg},
		{"TestParseHeaderBadFormatKid", b64(`{"alg":"RS256","typ":"JWT","kid":1}`) + "." + b64(pay) + "." + sig, JwtHeaderBadKid},
		{"TestParsePayloadBadBase64", b64(rs256) + "." + b64("this is not a json") + "+." + sig, JwtPayloadParseErrorBadBase64},
		{"TestParsePayloadBadJson", b64(rs256) + "." + b64("this is not a json") + "." + sig, JwtPayloadParseErrorBadJSON},
		{"TestParsePayloadIssNotString", unsigned(rs256, `{ "iss": true, "sub": "test_subject", "exp": 123456789 }`, "TestSignature"), JwtPayloadParseErrorIssNotString},
		{"TestParsePayloadSubNotString", unsigned(rs256, `{ "iss":"test_issuer", "sub": 123456, "exp": 123456789 }`, "TestSignature"), JwtPayloadParseErrorSubNotString},
		{"TestParsePayloadIatNotInteger", unsigned(rs256, `{ "iss":"test_issuer", "sub": "test_subject", "iat": "123456789" }`, "TestSignature"), JwtPayloadParseErrorIatNotInteger},
		{"TestParsePayloadIatNotPositive", unsigned(`{"alg":"HS256","typ":"JWT"}`, `{"sub":"1234567890","name":"John Doe","iat":-12345}`, "x"), JwtPayloadParseErrorIatOutOfRange},
		{"TestParsePayloadIatTooBig", unsigned(`{"alg":"HS256","typ":"JWT"}`, `{"sub":"1234567890","name":"John Doe","iat":2.001e+206}`, "x"), JwtPayloadParseErrorIatOutOfRange},
		{"TestParsePayloadNbfNotInteger", unsigned(rs256, `{ "iss":"test_issuer", "sub": "test_subject", "nbf": "123456789" }`, "TestSignature"), JwtPayloadParseErrorNbfNotInteger},
		{"TestParsePayloadNbfNotPositive", unsigned(`{"alg":"HS256","typ":"JWT"}`, `{"sub":"1234567890","name":"John Doe","nbf":-12345}`, "x"), JwtPayloadParseErrorNbfOutOfRange},
		{"TestParsePayloadNbfTooBig", unsigned(`{"alg":"HS256","typ":"JWT"}`, `{"sub":"1234567890","name":"John Doe","nbf":2.001e+206}`, "x"), JwtPayloadParseErrorNbfOutOfRange},
		{"TestParsePayloadExpNotInteger", unsigned(rs256, `{ "iss":"test_issuer", "sub": "test_subject", "exp": "123456789" }`, "TestSignature"), JwtPayloadParseErrorExpNotInteger},
		{"TestParsePayloadExpNotPositive", unsigned(`{"alg":"HS256","typ":"JWT"}`, `{"sub":"1234567890","name":"John Doe","exp":-12345}`, "x"), JwtPayloadParseErrorExpOutOfRange},
		{"TestParsePayloadExpTooBig", unsigned(`{"alg":"HS256","typ":"JWT"}`, `{"sub":"1234567890","name":"John Doe","exp":2.001e+206}`, "x"), JwtPayloadParseErrorExpOutOfRange},
		{"TestParsePayloadJtiNotString", unsigned(rs256, `{ "iss":"test_issuer", "sub": "test_subject", "jti": 1234567}`, "TestSignature"), JwtPayloadParseErrorJtiNotString},
		{"TestParsePayloadAudInteger", unsigned(rs256, `{ "iss":"test_issuer", "sub": "test_subject", "aud": 1234567}`, "TestSignature"), JwtPayloadParseErrorAudNotString},
		{"TestParsePayloadAudIntegerList", unsigned(rs256, `{ "iss":"test_issuer", "sub": "test_subject", "aud": [1,2] }`, "TestSignature"), JwtPayloadParseErrorAudNotString},
		// 17 characters: one stray character after four quanta.
		{"InvalidSignature", b64(rs256) + "." + b64(pay) + ".invalid-signature", JwtSignatureParseErrorBadBase64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, got := Parse(tc.token)
			if got != tc.want {
				t.Fatalf("Parse = %s (%q), want %s", got.Name(), got, tc.want.Name())
			}
			if (j == nil) != (got != OK) {
				t.Fatalf("JWT %v with status %s", j, got.Name())
			}
		})
	}
}

// TestParseGoodJwt is JwtParseTest.GoodJwt, GoodJwtWithMultiAud,
// TestParsePayloadIatDecimalsDrop, GoodNestedJwt and GoodJwtLongClaim: the
// fields Envoy reads.
func TestParseGoodJwt(t *testing.T) {
	// GoodJwt: both segments end in a newline (base64 "Cg"), which the JSON
	// reader takes as whitespace.
	tok := b64(`{"alg":"RS256","typ":"JWT","customheader":"abc"}`+"\n") + "." +
		b64(`{"iss":"https://example.com","sub":"test@example.com","iat": 1501281000,"exp":1501281058,"nbf":1501281000,"jti":"identity","custompayload":1234}`+"\n") +
		"." + b64("Signature")
	j, st := Parse(tok)
	if st != OK {
		t.Fatalf("GoodJwt: %s", st.Name())
	}
	if j.Alg != "RS256" || j.Kid != "" || j.Iss != "https://example.com" || j.Sub != "test@example.com" || j.Audiences != nil ||
		j.Iat != 1501281000 || j.Nbf != 1501281000 || j.Exp != 1501281058 || j.Jti != "identity" || string(j.Signature) != "Signature" {
		t.Errorf("GoodJwt fields: %+v", j)
	}

	j, st = Parse(unsigned(`{"alg":"RS256","typ":"JWT","kid":"af06c19f8e5b3315216df010fd2b9a93bac135c8"}`,
		`{"iss":"https://example.com","aud":["aud1","aud2"],"exp":1517878659,"sub":"https://example.com"}`+"\n", "Signature"))
	if st != OK || !slices.Equal(j.Audiences, []string{"aud1", "aud2"}) || j.Kid != "af06c19f8e5b3315216df010fd2b9a93bac135c8" || j.Iat != 0 || j.Nbf != 0 || j.Jti != "" || j.Exp != 1517878659 {
		t.Errorf("GoodJwtWithMultiAud: %s %+v", st.Name(), j)
	}

	j, st = Parse(unsigned(`{"alg":"HS256","typ":"JWT"}`, `{"sub":"1234567890","name":"John Doe","iat":1234.5678}`, "x"))
	if st != OK || j.Iat != 1234 {
		t.Errorf("TestParsePayloadIatDecimalsDrop: %s %+v", st.Name(), j)
	}

	j, st = Parse(unsigned(rs256, `{"sub":"test@example.com","aud":"example_service","exp":2001001001,"nested":{"key-1":"value1","nested-2":{"key-2":"value2","key-3":true,"key-4":9999}}}`, "Signature"))
	if st != OK || !slices.Equal(j.Audiences, []string{"example_service"}) || j.Exp != 2001001001 {
		t.Errorf("GoodNestedJwt: %s %+v", st.Name(), j)
	}

	long := strings.Repeat("xyz", 2700)
	j, st = Parse(unsigned(rs256, `{"iss":"https://example.com","aud":["aud1","aud2"],"exp":1517878659,"sub":"`+long+`"}`, "Signature"))
	if st != OK || len(j.Sub) <= 8000 {
		t.Errorf("GoodJwtLongClaim: %s", st.Name())
	}
	j, st = Parse(unsigned(rs256, `{"iss":"https://example.com","aud":["aud1","aud2"],"exp":1517878659,"sub":"https://example.com","myClaim":"`+long+`"}`, "Signature"))
	if st != OK || j.Sub != "https://example.com" {
		t.Errorf("GoodJwtLongCustomClaims: %s", st.Name())
	}
}

// TestParseRules covers the rules behind the upstream cases, on inputs the
// upstream suite does not spell out.
func TestParseRules(t *testing.T) {
	h, p, s := b64(rs256), b64(`{"exp":2000000000}`), b64("sig")
	for _, tc := range []struct {
		name  string
		token string
		want  Status
	}{
		// absl::StrSplit(…, SkipEmpty()): empty parts vanish.
		{"leading dot", "." + h + "." + p + "." + s, OK},
		{"double dot", h + ".." + p + "." + s, OK},
		{"trailing dot", h + "." + p + "." + s + ".", OK},
		{"dots only", "...", JwtBadFormat},
		{"unsigned token (alg none shape)", h + "." + p + ".", JwtBadFormat},
		{"two parts", h + "." + p, JwtBadFormat},
		{"four parts", h + "." + p + "." + s + ".x", JwtBadFormat},
		{"JWE shape", strings.Repeat("a.", 4) + "a", JwtBadFormat},
		// Abseil base64.
		{"padded segments", base64.URLEncoding.EncodeToString([]byte(`{"alg":"RS256","x":"1"}`)) + "." + p + "." + base64.URLEncoding.EncodeToString([]byte("sigs")), OK},
		{"wrong padding", b64(rs256) + "=." + p + "." + s, JwtHeaderParseErrorBadBase64},
		{"space in signature", h + "." + p + "." + s[:2] + " " + s[2:], OK},
		{"standard alphabet", h + "." + p + ".ab+/", JwtSignatureParseErrorBadBase64},
		{"empty JSON header", b64("") + "x." + p + "." + s, JwtHeaderParseErrorBadBase64},
		// protobuf JSON → Struct.
		{"header null", b64("null") + "." + p + "." + s, JwtHeaderBadAlg},
		{"header array", b64(`["RS256"]`) + "." + p + "." + s, JwtHeaderParseErrorBadJSON},
		{"duplicate alg", b64(`{"alg":"RS256","alg":"RS256"}`) + "." + p + "." + s, JwtHeaderParseErrorBadJSON},
		{"duplicate claim", h + "." + b64(`{"sub":"1","sub":"1"}`) + "." + s, JwtPayloadParseErrorBadJSON},
		{"legacy header syntax", b64(`{alg:'RS256',}`) + "." + p + "." + s, OK},
		{"payload null", h + "." + b64("null") + "." + s, OK},
		{"payload string", h + "." + b64(`"x"`) + "." + s, JwtPayloadParseErrorBadJSON},
		{"invalid UTF-8 in claim", h + "." + b64("{\"sub\":\"\xff\"}") + "." + s, JwtPayloadParseErrorBadJSON},
		{"empty key", h + "." + b64(`{"":1}`) + "." + s, OK},
		// Types.
		{"alg null", b64(`{"alg":null}`) + "." + p + "." + s, JwtHeaderBadAlg},
		{"alg none", b64(`{"alg":"none"}`) + "." + p + "." + s, JwtHeaderNotImplementedAlg},
		{"alg lower case", b64(`{"alg":"rs256"}`) + "." + p + "." + s, JwtHeaderNotImplementedAlg},
		{"kid null", b64(`{"alg":"RS256","kid":null}`) + "." + p + "." + s, JwtHeaderBadKid},
		{"crit ignored", b64(`{"alg":"RS256","crit":["x"]}`) + "." + p + "." + s, OK},
		{"iss null", h + "." + b64(`{"iss":null}`) + "." + s, JwtPayloadParseErrorIssNotString},
		{"sub number", h + "." + b64(`{"sub":1}`) + "." + s, JwtPayloadParseErrorSubNotString},
		{"exp null", h + "." + b64(`{"exp":null}`) + "." + s, JwtPayloadParseErrorExpNotInteger},
		{"exp bool", h + "." + b64(`{"exp":true}`) + "." + s, JwtPayloadParseErrorExpNotInteger},
		{"exp -0.5", h + "." + b64(`{"exp":-0.5}`) + "." + s, JwtPayloadParseErrorExpOutOfRange},
		{"exp -0", h + "." + b64(`{"exp":-0}`) + "." + s, OK},
		{"exp -1e-400", h + "." + b64(`{"exp":-1e-400}`) + "." + s, OK},
		{"exp 2^64", h + "." + b64(`{"exp":18446744073709551616}`) + "." + s, JwtPayloadParseErrorExpOutOfRange},
		{"exp just below 2^64", h + "." + b64(`{"exp":18446744073709549568}`) + "." + s, OK},
		{"exp 1e16 spelling", h + "." + b64(`{"exp":1e16}`) + "." + s, OK},
		{"nbf checked before exp", h + "." + b64(`{"exp":"x","nbf":"y"}`) + "." + s, JwtPayloadParseErrorNbfNotInteger},
		{"iat checked before nbf", h + "." + b64(`{"nbf":"x","iat":-1}`) + "." + s, JwtPayloadParseErrorIatOutOfRange},
		{"iss checked before sub", h + "." + b64(`{"sub":1,"iss":1}`) + "." + s, JwtPayloadParseErrorIssNotString},
		{"jti checked before aud", h + "." + b64(`{"aud":1,"jti":1}`) + "." + s, JwtPayloadParseErrorJtiNotString},
		{"aud empty list", h + "." + b64(`{"aud":[]}`) + "." + s, OK},
		{"aud with null", h + "." + b64(`{"aud":["a",null]}`) + "." + s, JwtPayloadParseErrorAudNotString},
		{"aud object", h + "." + b64(`{"aud":{}}`) + "." + s, JwtPayloadParseErrorAudNotString},
		{"scopes not checked", h + "." + b64(`{"scopes":7}`) + "." + s, OK},
		{"claims before signature", h + "." + b64(`{"aud":1}`) + ".!", JwtPayloadParseErrorAudNotString},
		{"header before payload", b64(`{}`) + ".!." + s, JwtHeaderBadAlg},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, got := Parse(tc.token); got != tc.want {
				t.Errorf("Parse = %s, want %s", got.Name(), tc.want.Name())
			}
		})
	}
}

// TestParseSignedInput: the signature covers the parts as split, which is
// not the token's own text when it has empty parts.
func TestParseSignedInput(t *testing.T) {
	// "a..b.c" is a, b, c: the header "a" is one stray base64 character.
	if _, st := Parse("a..b.c"); st != JwtHeaderParseErrorBadBase64 {
		t.Fatalf("status %s", st.Name())
	}
	h, p := b64(rs256), b64(`{}`)
	j, st := Parse(h + ".." + p + ".c2ln")
	if st != OK || j.SignedInput() != h+"."+p {
		t.Fatalf("%s %+v", st.Name(), j)
	}
}

// TestImplementedAlg is jwt.cc isImplemented.
func TestImplementedAlg(t *testing.T) {
	for _, a := range []string{"ES256", "ES384", "ES512", "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA"} {
		if !ImplementedAlg(a) {
			t.Errorf("%s not implemented", a)
		}
	}
	for _, a := range []string{"none", "", "ES256K", "Ed25519", "EDDSA", "RSA-OAEP", "HS1"} {
		if ImplementedAlg(a) {
			t.Errorf("%s implemented", a)
		}
	}
}
