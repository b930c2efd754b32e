package mediawiki

import "github.com/mwoauth/mwoauth/jwtutil"

// ConsumerKey is the client id MediaWiki reads from a token: aud when it is
// a string, its first element when it is a list (league's
// $claims->get('aud')[0]; lcobucci turns a string aud into a one-element
// list). "" when there is none.
func ConsumerKey(t *jwtutil.Token) string {
	switch a := t.Claims["aud"].(type) {
	case string:
		return a
	case []any:
		if len(a) > 0 {
			s, _ := a[0].(string)
			return s
		}
	}
	return ""
}
