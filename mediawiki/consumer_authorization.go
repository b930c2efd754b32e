package mediawiki

// CurrentAuthorization is the acceptance MediaWiki ties an access token to
// when it issues one for a user of c (Consumer::getCurrentAuthorization,
// called by AccessTokenEntity with the wiki it runs on): the user's
// acceptance for the consumer's own wiki when the consumer is for one wiki
// only, else for wiki; failing that, the one for every wiki ("*"); only
// acceptances of the consumer's OAuth version count. accs are the user's
// acceptances of c. It returns nil when none applies: MediaWiki then has
// no approval for the token (mwoauth-oauth2-error-create-at-no-user-approval
// when it is used).
func CurrentAuthorization(c *Consumer, accs []Acceptance, wiki string) *Acceptance {
	check := wiki
	if c.Wiki != "*" {
		check = c.Wiki
	}
	find := func(w string) *Acceptance {
		for i := range accs {
			a := &accs[i]
			if a.ConsumerID == c.ID && a.Wiki == w && a.OAuthVersion == c.OAuthVersion {
				return a
			}
		}
		return nil
	}
	if a := find(check); a != nil {
		return a
	}
	return find("*")
}

// UngrantedScopes lists the scopes a's grants do not hold: with any of
// them, AccessTokenEntity finds no approval for the token
// (setApprovalFromClientScopesUser). Grants are compared by the names
// MediaWiki shows (useoauth is basic).
func UngrantedScopes(a *Acceptance, scopes []string) []string {
	granted := map[string]bool{}
	for _, g := range a.Grants {
		granted[g] = true
	}
	var out []string
	for _, s := range scopes {
		if !granted[s] {
			out = append(out, s)
		}
	}
	return out
}
