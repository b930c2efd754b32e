package envoy

import "strings"

// AudiencesAllowed is CheckAudience::areAudiencesAllowed
// (src/check_audience.cc): with no configured audiences every token passes;
// otherwise one of the token's audiences must equal one configured audience
// once both have lost a leading "http://" or "https://" and one trailing
// "/". A token without aud never passes a provider that lists audiences.
func AudiencesAllowed(configured, token []string) bool {
	if len(configured) == 0 {
		return true
	}
	allowed := make(map[string]bool, len(configured))
	for _, a := range configured {
		allowed[SanitizeAudience(a)] = true
	}
	for _, a := range token {
		if allowed[SanitizeAudience(a)] {
			return true
		}
	}
	return false
}

// SanitizeAudience is check_audience.cc sanitizeAudience: "https://x/" and
// "x" compare equal. Only one trailing slash goes, and only the two
// schemes, case-sensitively ("HTTPS://x" keeps its scheme). "http://" alone
// becomes "".
func SanitizeAudience(aud string) string {
	if aud == "" {
		return aud
	}
	begin := 0
	if strings.HasPrefix(aud, "http://") {
		begin = len("http://")
	} else if strings.HasPrefix(aud, "https://") {
		begin = len("https://")
	}
	end := len(aud)
	if aud[end-1] == '/' {
		end--
	}
	if end < begin {
		return ""
	}
	return aud[begin:end]
}
