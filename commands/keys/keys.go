// Package keys holds the "mwoauth keys" commands: generate a key pair for
// $wgOAuth2PrivateKey/$wgOAuth2PublicKey, fingerprint it, turn it into a
// JWKS for Envoy, and check a configured pair for MediaWiki's pitfalls.
package keys

import (
	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// NewCmdKeys builds the "keys" group.
func NewCmdKeys(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.Noun("keys", &cobra.Command{
		Short: "Generate, fingerprint, publish (JWKS) and check the wiki's OAuth 2 RSA keys",
		Long: `The wiki signs OAuth 2 access tokens with $wgOAuth2PrivateKey and
verifies them with $wgOAuth2PublicKey (RS256, RSA of at least 2048 bits).
These commands make such a pair, fingerprint it, publish its public half
as a JWKS for Envoy's jwt_authn, and check a configured pair for the
mistakes MediaWiki REL1_43 handles badly.

Private keys are read from a file, - (stdin) or env:NAME, never from the
command line, and are never printed.`,
		Example: `  mwoauth keys generate --out /etc/mediawiki/oauth
  mwoauth keys fingerprint /etc/mediawiki/oauth/oauth2-public.pem
  mwoauth keys jwks /etc/mediawiki/oauth/oauth2-public.pem --envoy
  mwoauth keys check --private /etc/mediawiki/oauth/oauth2-private.pem --public /etc/mediawiki/oauth/oauth2-public.pem`,
	},
		newCmdGenerate(f, nil),
		newCmdFingerprint(f, nil),
		newCmdJWKS(f, nil),
		newCmdCheck(f, nil),
	)
}
