package consumer_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/commands"
	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/internal/mariadbtest"
)

// fillWiki creates MediaWiki's tables in a new database and n consumers
// (owners spread over 1000 users with actor rows) with the sequence engine.
func fillWiki(b *testing.B, srv *mariadbtest.Server, n int) string {
	b.Helper()
	name := srv.NewDatabase(b)
	for _, st := range db.SchemaSQL(db.MySQL, "") {
		srv.Exec(b, name, st)
	}
	srv.Exec(b, name, fmt.Sprintf(`
INSERT INTO actor (actor_id, actor_user, actor_name) SELECT seq, seq, CONCAT('User ', seq) FROM seq_1_to_1000;
INSERT INTO user (user_id, user_name, user_password, user_newpassword, user_email, user_touched)
  SELECT seq, CONCAT('User ', seq), '', '', '', '20261122000000' FROM seq_1_to_1000;
INSERT INTO oauth_registered_consumer (oarc_id, oarc_consumer_key, oarc_name, oarc_user_id, oarc_version, oarc_callback_url,
  oarc_callback_is_prefix, oarc_description, oarc_email, oarc_developer_agreement, oarc_owner_only, oarc_wiki, oarc_grants,
  oarc_registration, oarc_secret_key, oarc_rsa_key, oarc_restrictions, oarc_stage, oarc_stage_timestamp, oarc_deleted,
  oarc_oauth_version, oarc_oauth2_allowed_grants, oarc_oauth2_is_confidential)
  SELECT seq, LPAD(HEX(seq * 7919), 32, '0'), CONCAT('Generated app ', seq), 1 + seq %% 1000, '1.0', 'https://x.test/cb',
    '0', 'generated', 'x@test', 1, seq %% 17 = 0, '*', '["useoauth","editpage"]', '20261122120000', 'secret', '', '{}',
    seq %% 5, '20261122120000', seq %% 50 = 0, 1 + seq %% 2, '["client_credentials"]', 1
  FROM seq_1_to_%d;`, n))
	return name
}

// BenchmarkListJSONVsClient compares "consumer list --all -o json" on 100 k
// consumers (the real entry point in-process, output to /dev/null) with the
// mariadb client printing the same fields as JSON_OBJECT rows to /dev/null,
// alternating, and reports the ratio of the medians. Target: <= 1.5.
func BenchmarkListJSONVsClient(b *testing.B) {
	srv := mariadbtest.Require(b)
	const n = 100_000
	name := fillWiki(b, srv, n)
	dsn := "mysql:" + srv.DSN(name, "root", "")
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	home := b.TempDir()
	b.Setenv("HOME", home)
	b.Setenv("XDG_CONFIG_HOME", home)

	ours := func() time.Duration {
		ios, _, _, errOut := cmdutil.Test()
		ios.Out = devnull
		f := cmdutil.NewFactory(ios)
		root := commands.NewCmdRoot(f)
		root.SetArgs([]string{"consumer", "list", "--all", "--include-suppressed", "-o", "json", "--db", dsn})
		start := time.Now()
		if err := root.ExecuteContext(context.Background()); err != nil {
			b.Fatalf("list: %v %s", err, errOut)
		}
		return time.Since(start)
	}
	sel := `SELECT JSON_OBJECT('id', c.oarc_id, 'key', CAST(c.oarc_consumer_key AS CHAR), 'name', CAST(c.oarc_name AS CHAR),
 'version', CAST(c.oarc_version AS CHAR), 'owner', CAST(u.user_name AS CHAR), 'owner_id', c.oarc_user_id, 'stage', c.oarc_stage,
 'oauth_version', c.oarc_oauth_version, 'owner_only', c.oarc_owner_only = 1, 'registered', CAST(c.oarc_registration AS CHAR),
 'suppressed', c.oarc_deleted = 1) FROM oauth_registered_consumer c LEFT JOIN user u ON u.user_id = c.oarc_user_id ORDER BY c.oarc_id`
	client := func() time.Duration {
		cmd := exec.Command("mariadb", "--no-defaults", "--socket="+srv.Socket, "--user=root", "-N", "-B", "-e", sel, name)
		cmd.Stdout = devnull
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("mariadb: %v", err)
		}
		return time.Since(start)
	}
	ours() // warm caches on both sides
	client()
	b.ResetTimer()
	var o, c []time.Duration
	for i := 0; i < max(b.N, 5); i++ {
		o = append(o, ours())
		c = append(c, client())
	}
	b.StopTimer()
	med := func(d []time.Duration) time.Duration {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[len(d)/2]
	}
	b.ReportMetric(float64(med(o).Milliseconds()), "ms/mwoauth")
	b.ReportMetric(float64(med(c).Milliseconds()), "ms/mariadb-client")
	b.ReportMetric(float64(med(o))/float64(med(c)), "ratio")
	if testing.Verbose() {
		b.Logf("mwoauth %v, mariadb client %v (medians of %d): %s", med(o), med(c), len(o), strings.Repeat("", 0))
	}
}
