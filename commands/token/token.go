// Package token holds the "mwoauth token" commands.
package token

import (
	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// NewCmdToken builds the "token" group.
func NewCmdToken(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.Noun("token", &cobra.Command{
		Short: "Decode, verify, re-mint, mint and scan OAuth 2 access tokens",
		Long: `Work with the JWTs MediaWiki's Extension:OAuth issues: OAuth 2 access
tokens (RS256, signed with $wgOAuth2PrivateKey), the owner-only token, core
sessionJwt cookies and OAuth 1 identify JWTs.

  decode  show header, claims and their MediaWiki meaning (no key needed)
  verify  check signature, times, issuer, audience and wiki state, and say
          what MediaWiki and an Envoy gateway would answer
  remint  re-sign a token with another exp (QA: expiry testing)
  mint    sign a new token shaped exactly like the extension's
  scan    find and verify every token in log files
  probe   send the token to a wiki and compare its answer with the prediction`,
		Example: `  mwoauth token decode "$TOKEN"
  mwoauth token verify @token.jwt --public-key oauth2-public.pem
  mwoauth token remint @token.jwt --private-key oauth2-private.pem --expires-in 30s > short.jwt
  mwoauth token scan /var/log/nginx/access.log --public-key oauth2-public.pem`,
	},
		NewCmdDecode(f, nil),
		NewCmdVerify(f, nil),
		NewCmdRemint(f, nil),
		NewCmdMint(f, nil),
		NewCmdScan(f, nil),
		NewCmdProbe(f, nil),
	)
}
