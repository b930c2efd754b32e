package envoy

import "testing"

// TestAudiencesUpstream is jwt_verify_lib test/check_audience_test.cc: every
// spelling of "example_service" with or without scheme and trailing slash
// matches every other.
func TestAudiencesUpstream(t *testing.T) {
	spellings := []string{"example_service", "http://example_service", "https://example_service",
		"example_service/", "http://example_service/", "https://example_service/"}
	for _, conf := range spellings { // TestConfig{Not,Http,Https}Prefix{Not,With}Tailing
		for _, aud := range spellings {
			if !AudiencesAllowed([]string{conf}, []string{aud}) {
				t.Errorf("config %q refuses %q", conf, aud)
			}
		}
	}
	// TestAudiencesAllowedWhenNoAudiencesConfigured
	if !AudiencesAllowed(nil, []string{"foo", "bar"}) || !AudiencesAllowed(nil, nil) {
		t.Error("no configured audiences must allow all")
	}
	// TestAnyAudienceMatch
	if !AudiencesAllowed([]string{"bar", "quux", "foo"}, []string{"quux"}) ||
		!AudiencesAllowed([]string{"bar", "quux", "foo"}, []string{"baz", "quux"}) {
		t.Error("any match must do")
	}
	// TestEmptyAudienceMatch
	if !AudiencesAllowed([]string{"bar", ""}, []string{"bar"}) || !AudiencesAllowed([]string{"bar", ""}, []string{""}) {
		t.Error("empty audience")
	}
	// verify_audiences_test.cc MissingAudience: aud1 only, other configured.
	if AudiencesAllowed([]string{"aud2"}, []string{"aud1"}) {
		t.Error("mismatch allowed")
	}
}

func TestSanitizeAudience(t *testing.T) {
	for in, want := range map[string]string{
		"":                                 "",
		"/":                                "",
		"x":                                "x",
		"x//":                              "x/", // one slash only
		"http://":                          "",
		"https://":                         "",
		"https:/":                          "https:",
		"http:///":                         "",          // the scheme, then the trailing slash
		"HTTPS://x":                        "HTTPS://x", // case-sensitive
		"ftp://x/":                         "ftp://x",
		"https://en.wikipedia/":            "en.wikipedia",
		"http://https://x":                 "https://x", // one scheme only
		"5096568cc6652b5ad36358427f1bd60c": "5096568cc6652b5ad36358427f1bd60c",
	} {
		if got := SanitizeAudience(in); got != want {
			t.Errorf("SanitizeAudience(%q) = %q, want %q", in, got, want)
		}
	}
	// A token without aud fails a provider that lists audiences.
	if AudiencesAllowed([]string{"a"}, nil) {
		t.Error("missing aud allowed")
	}
}
