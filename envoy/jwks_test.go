package envoy

import (
	"crypto/ecdh"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/internal/fixtures"
)

// TestParseJWKSUpstream is jwt_verify_lib test/jwks_test.cc (JwksParseTest.*)
// for the JSON forms, rebuilt with keys made here. A, B… stand for the
// members of generated keys.
func TestParseJWKSUpstream(t *testing.T) {
	ra, _ := rsaKeys(t)
	p256, p384, p521, _ := ecKeys(t)
	ed, _ := edKeys(t)
	rsaJWK := jwk(t, &ra.PublicKey, "", "")
	ec256 := jwk(t, &p256.PublicKey, "", "")
	ec384 := jwk(t, &p384.PublicKey, "", "")
	ec521 := jwk(t, &p521.PublicKey, "", "")
	okp := jwk(t, ed.Public(), "", "")
	// members renders the parts of a JWK as JSON members.
	members := func(m map[string]any, names ...string) string {
		var parts []string
		for _, n := range names {
			b, _ := json.Marshal(m[n])
			parts = append(parts, `"`+n+`":`+string(b))
		}
		return strings.Join(parts, ",")
	}
	xy := func(m map[string]any) string { return members(m, "x", "y") }
	ne := members(rsaJWK, "n", "e")
	x25519 := b64b(make([]byte, 32))

	for _, tc := range []struct {
		name string // upstream test
		text string
		want Status
		keys int
	}{
		{"GoodJwks", `{"keys":[{"kty":"RSA","alg":"RS256","kid":"62a93512c9ee4c7f8067b5a216dade2763d32a47",` + ne + `},{"kty":"RSA","alg":"RS256","kid":"b3319a147514df7ee5e4bcdee51350cc890cc89e",` + ne + `}]}`, OK, 2},
		{"GoodEC", `{"keys":[{"kty":"EC","crv":"P-256",` + xy(ec256) + `,"alg":"ES256","kid":"abc"},{"kty":"EC","crv":"P-256",` + xy(ec256) + `,"alg":"ES256","kid":"xyz"},{"kty":"EC","crv":"P-384",` + xy(ec384) + `,"alg":"ES384","kid":"es384"},{"kty":"EC","crv":"P-521",` + xy(ec521) + `,"alg":"ES512","kid":"es512"}]}`, OK, 4},
		{"GoodOKP", `{"keys":[{"kty":"OKP","crv":"Ed25519",` + members(okp, "x") + `,"alg":"EdDSA","kid":"ed25519"}]}`, OK, 1},
		{"EmptyJwks", ``, JwksParseError, 0},
		{"JwksNoKeys", `{}`, JwksNoKeys, 0},
		{"JwksWrongKeys", `{"keys": 123}`, JwksBadKeys, 0},
		{"JwksInvalidKty", `{"keys":[{"kty":"XYZ","crv":"P-256",` + xy(ec256) + `,"alg":"ES256","kid":"abc"}]}`, JwksNotImplementedKty, 0},
		{"JwksMismatchKty1", `{"keys":[{"kty":"RSA","alg":"ES256"}]}`, JwksRSAKeyBadAlg, 0},
		{"JwksMismatchKty2", `{"keys":[{"kty":"EC","alg":"RS256"}]}`, JwksECKeyBadAlg, 0},
		{"JwksIgnoreUnsupportedKey", `{"keys":[{"kty":"OKP","crv":"Ed25519",` + members(okp, "x") + `,"alg":"EdDSA","kid":"one"},{"kty":"OKP","crv":"X25519","x":"` + x25519 + `","alg":"EdDSA","kid":"two"}]}`, OK, 1},
		{"JwksIgnoreUnsupportedKeyInMiddle", `{"keys":[{"kty":"OKP","crv":"Ed25519",` + members(okp, "x") + `,"alg":"EdDSA","kid":"one"},{"kty":"OKP","crv":"X25519","x":"` + x25519 + `","alg":"EdDSA","kid":"two"},{"kty":"EC","crv":"P-256",` + xy(ec256) + `,"alg":"ES256","kid":"three"}]}`, OK, 2},
		{"JwksIgnoreUnsupportedKeySolo", `{"keys":[{"kty":"OKP","crv":"X25519","x":"` + x25519 + `","alg":"EdDSA","kid":"two"}]}`, JwksOKPKeyCrvUnsupported, 0},
		{"JwksECNoXY", `{"keys":[{"kty":"EC","alg":"ES256"}]}`, JwksECKeyMissingX, 0},
		{"JwksRSANoNE", `{"keys":[{"kty":"RSA","alg":"RS256"}]}`, JwksRSAKeyMissingN, 0},
		{"JwksRSAKeyBadN", `{"keys":[{"kty":"RSA","alg":"RS256","n":1234}]}`, JwksRSAKeyBadN, 0},
		{"JwksRSAKeyMissingE", `{"keys":[{"kty":"RSA","alg":"RS256","n":"NNNNN"}]}`, JwksRSAKeyMissingE, 0},
		{"JwksRSAKeyBadE", `{"keys":[{"kty":"RSA","alg":"RS256","n":"NNNNN","e":1234}]}`, JwksRSAKeyBadE, 0},
		{"JwksECXYBadBase64", `{"keys":[{"kty":"EC","x":"~}}","y":"92bCBTvMFQ8lKbS2MbgjT3Yf","alg":"ES256"}]}`, JwksEcXorYBadBase64, 0},
		// Coordinates longer than the field: valid base64, no point.
		{"JwksECWrongXY", `{"keys":[{"kty":"EC",` + `"x":"` + b64b(make([]byte, 35)) + `","y":"` + b64b(make([]byte, 35)) + `","alg":"ES256"}]}`, JwksEcParseError, 0},
		// e is neither 3 nor 65537.
		{"JwksRSAWrongNE", `{"keys":[{"kty":"RSA","n":"EB54wykhS7YJFD6RYJNnwbW","e":"92bCBTvMFQ8lKbS2MbgjT3YfmY","alg":"RS256"}]}`, JwksRsaParseError, 0},
		// n spelled in the standard alphabet ('+', '/').
		{"JwksRSAInvalidN", `{"keys":[{"alg":"RS256","kty":"RSA","use":"sig","n":"` + strings.NewReplacer("-", "+", "_", "/").Replace(rsaJWK["n"].(string)) + `/+","e":"AQAB"}]}`, JwksRsaParseError, 0},
		{"JwksOKPXBadBase64", `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"~}}","alg":"EdDSA"}]}`, JwksOKPXBadBase64, 0},
		{"JwksOKPXWrongLength", `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"` + b64b(make([]byte, 31)) + `","alg":"EdDSA"}]}`, JwksOKPXWrongLength, 0},
		{"JwksECMatchAlgES256WrongCrvType", `{"keys":[{"kty":"EC","alg":"ES256","crv":1234,` + xy(ec256) + `}]}`, JwksECKeyBadCrv, 0},
		{"JwksECMatchAlgES256WrongXType", `{"keys":[{"kty":"EC","alg":"ES256","crv":"P-256","x":1234,` + members(ec256, "y") + `}]}`, JwksECKeyBadX, 0},
		{"JwksECMatchAlgES256WrongMissingY", `{"keys":[{"kty":"EC","alg":"ES256","crv":"P-256",` + members(ec256, "x") + `}]}`, JwksECKeyMissingY, 0},
		{"JwksECMatchAlgES256WrongBadY", `{"keys":[{"kty":"EC","alg":"ES256","crv":"P-256",` + members(ec256, "x") + `,"y":1234}]}`, JwksECKeyBadY, 0},
		{"JwksJwkMissingKty", `{"keys":[{"alg":"ES256","crv":"P-256",` + xy(ec256) + `}]}`, JwksMissingKty, 0},
		{"JwksJwkBadKty", `{"keys":[{"kty":1234,"alg":"ES256","crv":"P-256",` + xy(ec256) + `}]}`, JwksBadKty, 0},
		{"JwksJwkOctBadAlg", `{"keys":[{"kty":"oct","alg":"HS333"}]}`, JwksHMACKeyBadAlg, 0},
		{"JwksJwkOctBadMissingK", `{"keys":[{"kty":"oct","alg":"HS256","use":"sig","kid":"62a93512c9ee4c7f8067b5a216dade2763d32a47"}]}`, JwksHMACKeyMissingK, 0},
		{"JwksJwkOctBadK", `{"keys":[{"kty":"oct","alg":"HS256","k":12345}]}`, JwksHMACKeyBadK, 0},
		{"JwksJwkOctBadBase64", `{"keys":[{"kty":"oct","alg":"HS256","k":"12345"}]}`, JwksOctBadBase64, 0},
		{"JwksECMatchAlgES256CrvP256", `{"keys":[{"kty":"EC","alg":"ES256","crv":"P-256",` + xy(ec256) + `}]}`, OK, 1},
		{"JwksECMatchAlgES384CrvP384", `{"keys":[{"kty":"EC","alg":"ES384","crv":"P-384",` + xy(ec384) + `}]}`, OK, 1},
		{"JwksECMatchAlgES512CrvP521", `{"keys":[{"kty":"EC","alg":"ES512","crv":"P-521",` + xy(ec521) + `}]}`, OK, 1},
		{"JwksECMissingBothAlgCrvES256", `{"keys":[{"kty":"EC",` + xy(ec256) + `}]}`, OK, 1},
		// Neither alg nor crv: P-256 is assumed, and a P-384 point is not on it.
		{"JwksECMissingBothAlgES384", `{"keys":[{"kty":"EC",` + xy(ec384) + `}]}`, JwksEcParseError, 0},
		{"JwksECMismatchAlgCrv1", `{"keys":[{"kty":"EC","alg":"ES256","crv":"P-384",` + xy(ec384) + `}]}`, JwksECKeyAlgNotCompatibleWithCrv, 0},
		{"JwkECMissingAlg", `{"keys":[{"crv":"P-521","kid":"sxG_WeuLxIKXoVit-8vyQf","kty":"EC","use":"sig",` + xy(ec521) + `}]}`, OK, 1},
		{"JwkECMissingCrv", `{"keys":[{"alg":"ES512","kid":"sxG_WeuLxIKXoVit-8vyQf","kty":"EC","use":"sig",` + xy(ec521) + `}]}`, OK, 1},
		{"JwksECMismatchAlgCrv2", `{"keys":[{"kty":"EC","alg":"ES384","crv":"P-521"}]}`, JwksECKeyAlgNotCompatibleWithCrv, 0},
		{"JwksECMismatchAlgCrv3", `{"keys":[{"kty":"EC","alg":"ES512","crv":"P-256"}]}`, JwksECKeyAlgNotCompatibleWithCrv, 0},
		{"JwksECNotSupportedAlg", `{"keys":[{"kty":"EC","alg":"ES1024",` + xy(ec256) + `}]}`, JwksECKeyAlgOrCrvUnsupported, 0},
		{"JwksECNotSupportedCrv", `{"keys":[{"kty":"EC","crv":"P-1024",` + xy(ec256) + `}]}`, JwksECKeyAlgOrCrvUnsupported, 0},
		{"JwksECUnspecifiedCrv", `{"keys":[{"kty":"EC","alg":"ES256",` + xy(ec256) + `},{"kty":"EC","alg":"ES384",` + xy(ec384) + `},{"kty":"EC","alg":"ES512",` + xy(ec521) + `}]}`, OK, 3},
		{"JwksOKPKeyBadAlg", `{"keys":[{"kty":"OKP","alg":"ES256"}]}`, JwksOKPKeyBadAlg, 0},
		{"JwksOKPKeyMissingCrv", `{"keys":[{"kty":"OKP","alg":"EdDSA"}]}`, JwksOKPKeyMissingCrv, 0},
		{"JwksOKPKeyBadCrv", `{"keys":[{"kty":"OKP","alg":"EdDSA","crv":0}]}`, JwksOKPKeyBadCrv, 0},
		{"JwksOKPKeyCrvUnsupported", `{"keys":[{"kty":"OKP","alg":"EdDSA","crv":"Ed448"}]}`, JwksOKPKeyCrvUnsupported, 0},
		{"JwksOKPKeyMissingX", `{"keys":[{"kty":"OKP","alg":"EdDSA","crv":"Ed25519"}]}`, JwksOKPKeyMissingX, 0},
		{"JwksOKPKeyBadX", `{"keys":[{"kty":"OKP","alg":"EdDSA","crv":"Ed25519","x":0}]}`, JwksOKPKeyBadX, 0},
		{"JwksX509WrongTypeArray", `{"kid1":[{"kty":"EC","alg":"ES1024",}]}`, JwksNoKeys, 0},
		{"JwksX509WrongTypeBool", `{"kid1":"pubkey1","kid2":true}`, JwksNoKeys, 0},
		{"JwksX509EmptyPubkey", `{"kid1":"pubkey1","kid2":""}`, JwksNoKeys, 0},
		{"JwksX509EmptyKid", `{"":"pubkey1",}`, JwksNoKeys, 0},
		{"JwksX509NotSuffixPrefix", `{"kid1":"pubkey1",}`, JwksNoKeys, 0},
		{"JwksX509NotSuffix", `{"kid1":"-----BEGIN CERTIFICATE-----\npubkey1",}`, JwksNoKeys, 0},
		{"JwksX509NotPrefix", `{"kid1":"pubkey1\n-----END CERTIFICATE-----\n",}`, JwksNoKeys, 0},
		{"JwksX509WrongPubkey", `{"kid1":"-----BEGIN CERTIFICATE-----\nwrong-pubkey\n-----END CERTIFICATE-----\n",}`, JwksX509ParseError, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, st := ParseJWKS([]byte(tc.text))
			if st != tc.want || set.Status() != st {
				t.Fatalf("status %s (set %s), want %s", st.Name(), set.Status().Name(), tc.want.Name())
			}
			if len(set.Keys) != tc.keys {
				t.Fatalf("%d keys, want %d", len(set.Keys), tc.keys)
			}
		})
	}
}

// TestParseJWKSKeyFields checks what the good sets carry, as the upstream
// GoodJwks/GoodEC/JwksECUnspecifiedCrv/JwksIgnoreUnsupportedKeyInMiddle
// tests do.
func TestParseJWKSKeyFields(t *testing.T) {
	p256, p384, p521, _ := ecKeys(t)
	ed, _ := edKeys(t)
	set := jwksOf(t, jwk(t, ed.Public(), "one", "EdDSA"),
		map[string]any{"kty": "OKP", "crv": "X25519", "x": b64b(make([]byte, 32)), "kid": "two"},
		jwk(t, &p256.PublicKey, "three", "ES256"),
		withoutCrv(jwk(t, &p384.PublicKey, "", "ES384")), withoutCrv(jwk(t, &p521.PublicKey, "", "ES512")))
	type kf struct{ kty, kid, alg, crv string }
	want := []kf{{"OKP", "one", "EdDSA", "Ed25519"}, {"EC", "three", "ES256", "P-256"}, {"EC", "", "ES384", "P-384"}, {"EC", "", "ES512", "P-521"}}
	if len(set.Keys) != len(want) {
		t.Fatalf("%d keys", len(set.Keys))
	}
	for i, k := range set.Keys {
		if got := (kf{k.Kty, k.Kid, k.Alg, k.Crv}); got != want[i] {
			t.Errorf("key %d: %+v, want %+v", i, got, want[i])
		}
	}
	if len(set.Dropped) != 1 || set.Dropped[0] != (KeyProblem{Index: 1, Status: JwksOKPKeyCrvUnsupported}) {
		t.Errorf("dropped: %+v", set.Dropped)
	}
}

func withoutCrv(m map[string]any) map[string]any { delete(m, "crv"); return m }

// TestParseJWKSRules: the set-level rules behind the upstream cases.
func TestParseJWKSRules(t *testing.T) {
	ra, _ := rsaKeys(t)
	good, _ := json.Marshal(jwk(t, &ra.PublicKey, "k", ""))
	for _, tc := range []struct {
		name string
		text string
		want Status
	}{
		{"null is an empty object", `null`, JwksNoKeys},
		{"array", `[` + string(good) + `]`, JwksParseError},
		{"duplicate keys member", `{"keys":[],"keys":[]}`, JwksParseError},
		{"empty keys", `{"keys":[]}`, JwksNoValidKeys},
		{"only non-objects", `{"keys":[1,"x",null,[]]}`, JwksNoValidKeys},
		{"non-objects are skipped", `{"keys":[1,` + string(good) + `]}`, OK},
		{"first bad key's status", `{"keys":[{"kty":"EC","alg":"RS256"},{"kty":"RSA","alg":"ES256"}]}`, JwksECKeyBadAlg},
		{"keys null", `{"keys":null}`, JwksBadKeys},
		{"legacy JSON", `{keys:[{kty:'RSA',n:'` + jwk(t, &ra.PublicKey, "", "")["n"].(string) + `',e:'AQAB',},],}`, OK},
		{"kid and alg of another type read as absent", `{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":7,"alg":false}]}`, OK},
		{"e = 3", `{"keys":[{"kty":"RSA","n":"` + jwk(t, &ra.PublicKey, "", "")["n"].(string) + `","e":"Aw"}]}`, OK},
		{"e = 5", `{"keys":[{"kty":"RSA","n":"` + jwk(t, &ra.PublicKey, "", "")["n"].(string) + `","e":"BQ"}]}`, JwksRsaParseError},
		{"e = 65537 with a leading zero", `{"keys":[{"kty":"RSA","n":"` + jwk(t, &ra.PublicKey, "", "")["n"].(string) + `","e":"AAEAAQ"}]}`, OK},
		{"even n", `{"keys":[{"kty":"RSA","n":"` + b64b(append(ra.N.Bytes()[:255:255], 0)) + `","e":"AQAB"}]}`, JwksRsaParseError},
		{"empty n", `{"keys":[{"kty":"RSA","n":"","e":"AQAB"}]}`, JwksRsaParseError},
		{"RSA alg PS512 accepted", `{"keys":[{"kty":"RSA","alg":"PS512","n":"` + jwk(t, &ra.PublicKey, "", "")["n"].(string) + `","e":"AQAB"}]}`, OK},
		{"RSA alg R", `{"keys":[{"kty":"RSA","alg":"R"}]}`, JwksRSAKeyBadAlg},
		{"RSA alg RSXYZ passes the prefix check", `{"keys":[{"kty":"RSA","alg":"RSXYZ","n":"` + jwk(t, &ra.PublicKey, "", "")["n"].(string) + `","e":"AQAB"}]}`, OK},
		{"oct empty k", `{"keys":[{"kty":"oct","k":""}]}`, JwksOctBadBase64},
		{"oct padded k", `{"keys":[{"kty":"oct","k":"c2VjcmV0cw=="}]}`, OK},
		{"kty case-sensitive", `{"keys":[{"kty":"rsa"}]}`, JwksNotImplementedKty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, st := ParseJWKS([]byte(tc.text)); st != tc.want {
				t.Errorf("status %s, want %s", st.Name(), tc.want.Name())
			}
		})
	}
}

// TestParseJWKSX509 is JwksParseTest.JwksGoodX509 / RealJwksX509 with
// certificates made here, plus the failure modes of extractX509.
func TestParseJWKSX509(t *testing.T) {
	ra, rb := rsaKeys(t)
	p256, _, _, _ := ecKeys(t)
	certA, certB := selfSigned(t, ra, &ra.PublicKey), selfSigned(t, rb, &rb.PublicKey)
	ecCert := selfSigned(t, ra, &p256.PublicKey)
	mapOf := func(kv ...string) []byte {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		b, _ := json.Marshal(m)
		return b
	}
	set, st := ParseJWKS(mapOf("62a93512c9ee4c7f8067b5a216dade2763d32a47", certA, "b3319a147514df7ee5e4bcdee51350cc890cc89e", certB))
	if st != OK || set.Form != "x509" || len(set.Keys) != 2 {
		t.Fatalf("GoodX509: %s %d", st.Name(), len(set.Keys))
	}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || k.Alg != "" || (k.Kid != "62a93512c9ee4c7f8067b5a216dade2763d32a47" && k.Kid != "b3319a147514df7ee5e4bcdee51350cc890cc89e") {
			t.Errorf("key %+v", k)
		}
	}
	for name, tc := range map[string]struct {
		text []byte
		want Status
	}{
		"an EC certificate":                 {mapOf("k", ecCert), JwksX509GetPubkeyError},
		"one bad certificate":               {mapOf("a", certA, "b", x509Prefix+"AAAA"+x509Suffix), JwksX509ParseError},
		"not base64":                        {mapOf("a", x509Prefix+"!!"+x509Suffix), JwksX509ParseError},
		"CRLF framing is not the x509 form": {mapOf("a", strings.ReplaceAll(certA, "\n", "\r\n")), JwksNoKeys},
	} {
		if _, st := ParseJWKS(tc.text); st != tc.want {
			t.Errorf("%s: %s, want %s", name, st.Name(), tc.want.Name())
		}
	}
}

func selfSigned(t testing.TB, signer *rsa.PrivateKey, pub any) string {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"},
		NotBefore: time.Unix(1e9, 0), NotAfter: time.Unix(4e9, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// TestParsePEMUpstream is JwksParseTest.goodPEMRSA/goodPEMEC/goodPEMEd25519,
// PemWrongHeader, PemInvalidKey and PemDsaUnimplimented.
func TestParsePEMUpstream(t *testing.T) {
	ra, _ := rsaKeys(t)
	p256, _, _, _ := ecKeys(t)
	ed, _ := edKeys(t)
	rsaPEM := pemPublic(t, &ra.PublicKey)
	for _, tc := range []struct {
		name string
		text []byte
		want Status
		kty  string
	}{
		{"goodPEMRSA", rsaPEM, OK, "RSA"},
		{"goodPEMEC", pemPublic(t, &p256.PublicKey), OK, "EC"},
		{"goodPEMEd25519", pemPublic(t, ed.Public()), OK, "OKP"},
		{"PemWrongHeader", []byte(strings.ReplaceAll(string(rsaPEM), "PUBLIC KEY", "CERTIFICATE KEY")), JwksPemBadBase64, ""},
		{"PemInvalidKey", []byte("-----BEGIN PUBLIC KEY-----\nbad-pub-key\n-----END PUBLIC KEY-----\n"), JwksPemBadBase64, ""},
		{"PemDsaUnimplimented", dsaPEM(t), JwksPemNotImplementedKty, ""},
		{"X25519 unimplemented", x25519PEM(t), JwksPemNotImplementedKty, ""},
		{"leading text", append([]byte("some words\n"), rsaPEM...), OK, "RSA"},
		{"another block first", append(pemPublicBlock("CERTIFICATE", []byte{1, 2, 3}), rsaPEM...), OK, "RSA"},
		{"a broken block first", append([]byte("-----BEGIN X-----\n!!\n-----END X-----\n"), rsaPEM...), JwksPemBadBase64, ""},
		{"mismatched END", []byte(strings.Replace(string(rsaPEM), "END PUBLIC KEY", "END OTHER", 1)), JwksPemBadBase64, ""},
		{"PKCS#1 RSA PUBLIC KEY is another name", pemRSA1(&ra.PublicKey), JwksPemBadBase64, ""},
		{"private key", pemPublicBlock("PRIVATE KEY", x509MustPKCS8(t, ra)), JwksPemBadBase64, ""},
		{"empty", nil, JwksPemBadBase64, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, st := ParsePEM(tc.text)
			if st != tc.want {
				t.Fatalf("status %s, want %s", st.Name(), tc.want.Name())
			}
			if st == OK && (len(set.Keys) != 1 || set.Keys[0].Kty != tc.kty || set.Keys[0].Kid != "" || set.Keys[0].Alg != "") {
				t.Fatalf("keys %+v", set.Keys)
			}
		})
	}
}

func pemPublicBlock(name string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: name, Bytes: der})
}

func pemRSA1(pub *rsa.PublicKey) []byte {
	return pemPublicBlock("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(pub))
}

func x509MustPKCS8(t testing.TB, k any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// dsaPEM is the public half of the openssl DSA fixture as an SPKI: Go no
// longer writes DSA keys, so the structure is built from the private key's
// fields (OpenSSL's DSA PRIVATE KEY: version, p, q, g, y, x).
func dsaPEM(t testing.TB) []byte {
	t.Helper()
	block, _ := pem.Decode(fixtures.Key("dsa-private.pem"))
	var k struct {
		Version       int
		P, Q, G, Y, X *big.Int
	}
	if block == nil {
		t.Fatal("no DSA fixture")
	}
	if _, err := asn1.Unmarshal(block.Bytes, &k); err != nil {
		t.Fatal(err)
	}
	params, _ := asn1.Marshal(struct{ P, Q, G *big.Int }{k.P, k.Q, k.G})
	y, _ := asn1.Marshal(k.Y)
	spki, err := asn1.Marshal(struct {
		Algo pkix.AlgorithmIdentifier
		Key  asn1.BitString
	}{pkix.AlgorithmIdentifier{Algorithm: oidDSA, Parameters: asn1.RawValue{FullBytes: params}}, asn1.BitString{Bytes: y, BitLength: 8 * len(y)}})
	if err != nil {
		t.Fatal(err)
	}
	return pemPublicBlock("PUBLIC KEY", spki)
}

func x25519PEM(t testing.TB) []byte {
	t.Helper()
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pemPublic(t, k.PublicKey())
}

// TestParsePEMCompressedPoint: BoringSSL's EC_POINT_oct2point takes the
// compressed form, which Go's x509 does not.
func TestParsePEMCompressedPoint(t *testing.T) {
	p256, _, _, _ := ecKeys(t)
	p256OID, _ := asn1.Marshal(oidP256)
	raw, err := p256.PublicKey.Bytes() // 04 || X || Y
	if err != nil {
		t.Fatal(err)
	}
	compressed := append([]byte{2 | raw[len(raw)-1]&1}, raw[1:33]...)
	spki, _ := asn1.Marshal(struct {
		Algo pkix.AlgorithmIdentifier
		Key  asn1.BitString
	}{pkix.AlgorithmIdentifier{Algorithm: oidEC, Parameters: asn1.RawValue{FullBytes: p256OID}}, asn1.BitString{Bytes: compressed, BitLength: 8 * len(compressed)}})
	set, st := ParsePEM(pemPublicBlock("PUBLIC KEY", spki))
	if st != OK || !set.Keys[0].ec.Equal(&p256.PublicKey) {
		t.Fatalf("%s", st.Name())
	}
}
