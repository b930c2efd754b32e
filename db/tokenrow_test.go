package db

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestTokenRow: InsertTokenRow writes the row MediaWiki writes for a token
// (the shape of the real wiki's rows: 80-hex jti, TS_MW expiry, acceptance,
// not revoked), refuses a jti that has one, and TokenRowSQL run by the
// database's own client writes the same row.
func TestTokenRow(t *testing.T) {
	const jti = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	row := TokenRow{JTI: jti, Expires: "20261122100755", AcceptanceID: 1}
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			api, script := e.load(t, dumpA1, ""), e.load(t, dumpA1, "")
			before := count(t, api, "oauth2_access_tokens", "")
			id, err := api.InsertTokenRow(ctx, row)
			if err != nil || id <= 0 {
				t.Fatalf("insert: %d %v", id, err)
			}
			got, err := api.AccessTokenByJTI(ctx, jti)
			if err != nil || got.Expires != row.Expires || got.AcceptanceID != 1 || got.Revoked {
				t.Errorf("row %+v %v", got, err)
			}
			var re *RefusedError
			if _, err := api.InsertTokenRow(ctx, row); !errors.As(err, &re) || !strings.Contains(err.Error(), "already has a row") {
				t.Errorf("second insert: %v", err)
			}
			if n := count(t, api, "oauth2_access_tokens", ""); n != before+1 {
				t.Errorf("%d rows, want %d", n, before+1)
			}
			runClient(t, script, strings.Join(script.TokenRowSQL(row), "\n")+"\n")
			a, b := canon(tableRows(t, api, "oauth2_access_tokens")), canon(tableRows(t, script, "oauth2_access_tokens"))
			if strings.Join(a, "\n") != strings.Join(b, "\n") {
				t.Errorf("InsertTokenRow\n  %s\nTokenRowSQL\n  %s", strings.Join(a, "\n  "), strings.Join(b, "\n  "))
			}
			// The real wiki's one acceptance: Admin (1) of the owner-only B (3).
			accs, err := api.Acceptances(ctx, 3, 1)
			if err != nil || len(accs) != 1 || accs[0].ID != 1 || accs[0].Wiki != "*" || strings.Join(accs[0].Grants, ",") != "basic,editpage" || accs[0].OAuthVersion != 2 {
				t.Errorf("acceptances %+v %v", accs, err)
			}
			if accs, err := api.Acceptances(ctx, 2, 1); err != nil || len(accs) != 0 {
				t.Errorf("acceptances of another consumer %+v %v", accs, err)
			}
		})
	}
}
