package envoy

import (
	"regexp"
	"strings"
	"testing"
)

// TestStatusTextsMatchFacts holds every name and text against the table in
// ../shared/facts/mediawiki-oauth-facts.md §6.2, which was transcribed from
// jwt_verify_lib's status.h and status.cc. Every status must appear there.
func TestStatusTextsMatchFacts(t *testing.T) {
	facts := sharedFacts(t, "mediawiki-oauth-facts.md")
	row := regexp.MustCompile("(?m)^\\| `(\\w+)` \\| `([^`]*)` \\|$")
	want := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(facts, -1) {
		want[m[1]] = m[2]
	}
	for s := Status(0); s < numStatuses; s++ {
		text, ok := want[s.Name()]
		if !ok {
			t.Errorf("%s (%d) is not in the facts table", s.Name(), s.Code())
			continue
		}
		if s.String() != text {
			t.Errorf("%s: text %q, facts say %q", s.Name(), s.String(), text)
		}
		delete(want, s.Name())
	}
	for name := range want {
		t.Errorf("facts list %s, which the package lacks", name)
	}
}

func TestStatusTable(t *testing.T) {
	seen := map[string]Status{}
	for s := Status(0); s < numStatuses; s++ {
		if s.String() == "" || s.Name() == "" || strings.HasPrefix(s.String(), "Status(") {
			t.Errorf("status %d has no text or name", int(s))
		}
		if prev, dup := seen[s.String()]; dup {
			t.Errorf("%s and %s share the text %q", prev.Name(), s.Name(), s.String())
		}
		seen[s.String()] = s
		if got, _ := s.MarshalText(); string(got) != s.Name() {
			t.Errorf("MarshalText(%s) = %s", s.Name(), got)
		}
		if got, ok := StatusOf(s.String()); !ok || got != s {
			t.Errorf("StatusOf(%q) = %s, %v", s.String(), got.Name(), ok)
		}
	}
	for _, text := range []string{"", "jwt is expired", "Jwt is expired ", "JwtExpired", "Failed JWT authentication: Jwt is expired"} {
		if s, ok := StatusOf(text); ok {
			t.Errorf("StatusOf(%q) = %s, want none", text, s.Name())
		}
	}
	// The upstream numbering, spot-checked at both ends and at the start
	// of the Jwks group: Envoy exposes it as failed_status_in_metadata's code.
	for s, code := range map[Status]int{OK: 0, JwtExpired: 3, JwtMultipleTokens: 27, JwksParseError: 28, JwksBioAllocError: 72} {
		if s.Code() != code {
			t.Errorf("%s.Code() = %d, upstream %d", s.Name(), s.Code(), code)
		}
	}
	if Status(-1).Valid() || numStatuses.Valid() || Status(999).String() != "Status(999)" {
		t.Error("out-of-range statuses are not reported as such")
	}
	if !JwksNoKeys.IsJWKS() || JwtExpired.IsJWKS() {
		t.Error("IsJWKS misclassifies")
	}
}

func TestResponseCodeDetails(t *testing.T) {
	for s := Status(1); s < numStatuses; s++ {
		d := ResponseCodeDetails(s)
		if strings.ContainsAny(d, " \t\n") || !strings.HasPrefix(d, "jwt_authn_access_denied{") || !strings.HasSuffix(d, "}") {
			t.Errorf("details for %s: %q", s.Name(), d)
		}
	}
	if got := ResponseCodeDetails(JwtExpired); got != "jwt_authn_access_denied{Jwt_is_expired}" {
		t.Errorf("got %q", got)
	}
}
