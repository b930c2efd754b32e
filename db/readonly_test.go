package db

import (
	"context"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/internal/mariadbtest"
)

// TestReadOnlyOpen: a reading open can read and cannot write, on both
// engines (mode=ro; a read-only MySQL session, as on a replica).
func TestReadOnlyOpen(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		s := loadSQLite(t, dumpA1, "")
		ro, err := Open(ctx, dsnOf(t, s), Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		if _, err := ro.ConsumerByKey(ctx, keyA); err != nil {
			t.Errorf("read: %v", err)
		}
		if _, err := ro.db.Exec("UPDATE oauth_registered_consumer SET oarc_stage = 4"); err == nil || !strings.Contains(err.Error(), "readonly") {
			t.Errorf("write on a read-only open: %v", err)
		}
	})
	t.Run("mariadb", func(t *testing.T) {
		srv := mariadbtest.Require(t)
		s := loadMariaDB(t, srv, dumpA1, "")
		ro, err := Open(ctx, dsnOf(t, s), Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		if _, err := ro.ConsumerByKey(ctx, keyA); err != nil {
			t.Errorf("read: %v", err)
		}
		if _, err := ro.db.Exec("UPDATE oauth_registered_consumer SET oarc_stage = 4"); err == nil || !strings.Contains(err.Error(), "READ ONLY") {
			t.Errorf("write on a read-only session: %v", err)
		}
	})
}
