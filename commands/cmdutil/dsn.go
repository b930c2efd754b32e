package cmdutil

import (
	"net/url"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/mwoauth/mwoauth/db"
)

// RedactDSN hides the password of a database DSN. The password is found
// as the driver finds it (mysql.ParseDSN: the user part is everything
// before the last @ that precedes the last /, split at its first :), so a
// password holding @ or / is hidden whole. A DSN the driver cannot parse is
// redacted from its first : to its last @.
func RedactDSN(dsn string) string {
	scheme, dialect, rest := db.SplitDSN(dsn)
	if dialect != db.MySQL {
		return dsn
	}
	// What the driver reads decides the form: a text it parses is redacted
	// as it parses it, even one that starts with // like a URL.
	cfg, err := mysql.ParseDSN(rest)
	switch {
	case err == nil && cfg.Passwd == "":
		return dsn
	case err != nil && strings.HasPrefix(rest, "//"):
		// URL form (mysql://user:pass@host/db): not the driver's, but
		// people type it; never show its password either.
		if u, err := url.Parse(dsn); err == nil && u.User != nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "xxx")
				return strings.Replace(u.String(), ":xxx@", ":***@", 1)
			}
			return dsn
		}
		return scheme + ":" + redactLoose(rest)
	case err != nil:
		return scheme + ":" + redactLoose(rest)
	}
	slash := strings.LastIndexByte(rest, '/')
	at := strings.LastIndexByte(rest[:slash], '@')
	colon := strings.IndexByte(rest[:at], ':')
	return scheme + ":" + rest[:colon+1] + "***" + rest[at:]
}

// redactLoose hides everything between the first : and the last @.
func redactLoose(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	colon := strings.IndexByte(s[:at], ':')
	if colon < 0 {
		return s
	}
	return s[:colon+1] + "***" + s[at:]
}

// DSNHasPassword reports whether a mysql DSN carries a password (whatever
// the driver would read as one).
func DSNHasPassword(dsn string) bool {
	return RedactDSN(dsn) != dsn
}
