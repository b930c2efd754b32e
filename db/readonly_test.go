package db

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestReadOnlyOpen: a reading open can read and cannot write, on both
// engines (mode=ro; a read-only MySQL session, as on a replica).
func TestReadOnlyOpen(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA1, "")
			ro, err := Open(context.Background(), dsnOf(t, s), Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer ro.Close()
			if _, err := ro.ConsumerByKey(context.Background(), keyA); err != nil {
				t.Errorf("read: %v", err)
			}
			// SQLite: "attempt to write a readonly database"; MariaDB:
			// "Cannot execute statement in a READ ONLY transaction".
			_, err = ro.db.Exec("UPDATE oauth_registered_consumer SET oarc_stage = 4")
			if l := strings.ToLower(fmt.Sprint(err)); err == nil || !strings.Contains(l, "readonly") && !strings.Contains(l, "read only") {
				t.Errorf("write on a read-only open: %v", err)
			}
		})
	}
}
