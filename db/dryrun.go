package db

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// DryRun returns the script Apply would run, as text the database's own
// client runs as is (mariadb, sqlite3): the same statements, values
// inlined. With the central wiki on another server it is two scripts, the
// second for the wiki database (run it only when the first says changed).
func (s *Store) DryRun(p *Plan) []string {
	ts := FormatTimestamp(s.writeClock())
	same := s.wdb == s.db
	o := s.oauthScript(p, ts)
	var out []string
	out = append(out, s.beginSQL()+";")
	if same {
		w := s.wikiScript(p, ts, true)
		o.stmts = append(o.stmts, w.stmts...)
	}
	o.stmts = append(o.stmts, statement{SQL: s.resultSelect(o)})
	o.finish()
	for _, st := range o.stmts {
		out = append(out, s.formatSQL(st))
	}
	out = append(out, "COMMIT;")
	if !same && !p.NoChange {
		w := s.wikiScript(p, ts, false)
		w.finish()
		out = append(out, "-- then, on the wiki database ("+s.wikiTarget.String()+"), only if the script above said changed:", s.beginSQL()+";")
		for _, st := range w.stmts {
			out = append(out, s.formatSQL(st))
		}
		out = append(out, "COMMIT;")
	}
	return out
}

// resultSelect reports, when the script runs, whether it changed anything.
func (s *Store) resultSelect(b *script) string {
	return "SELECT CASE WHEN " + b.gate() + " THEN 'changed' ELSE 'NOT CHANGED: the consumer changed since the preview; nothing written' END AS mwoauth_result"
}

// formatSQL renders a statement with its values inlined. Strings holding a
// control or format character (or, for MySQL, a backslash, whose meaning
// depends on sql_mode) are written as hex, so the script is exact and
// prints safely on a terminal.
func (s *Store) formatSQL(st statement) string {
	var b strings.Builder
	args := st.Args
	inQuote := false
	for _, r := range st.SQL {
		if r == '\'' {
			inQuote = !inQuote
		}
		if r == '?' && !inQuote && len(args) > 0 {
			b.WriteString(s.literal(args[0]))
			args = args[1:]
			continue
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ") + ";"
}

func (s *Store) literal(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		if needsHex(x, s.Dialect) {
			if s.Dialect == SQLite {
				return "CAST(X'" + hex.EncodeToString([]byte(x)) + "' AS TEXT)"
			}
			return "X'" + hex.EncodeToString([]byte(x)) + "'"
		}
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case []byte:
		return s.literal(string(x))
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.Itoa(boolInt(x))
	}
	return fmt.Sprint(v)
}

func needsHex(s string, d Dialect) bool {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\uFFFD' || (d == MySQL && r == '\\') {
			return true
		}
	}
	return false
}
