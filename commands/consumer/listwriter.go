package consumer

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
)

// listWriter streams rows in one format; nothing is buffered beyond a
// terminal table's alignment.
type listWriter struct {
	format string
	out    io.Writer
	csv    *csv.Writer
	json   *cmdutil.JSONArray
	table  *cmdutil.Table
	st     *cmdutil.Styles
	e      expiry
	buf    *bufio.Writer
	item   []byte // one encoded JSON item
}

var listHeader = []string{"ID", "KEY", "NAME", "VERSION", "OWNER", "STAGE", "OAUTH", "OWNER-ONLY", "REGISTERED", "SUPPRESSED"}

// newListWriter: the table is aligned with a header on a terminal or when
// --output table is asked for; piped by default it is tab-separated rows.
func newListWriter(ios *cmdutil.IOStreams, format string, tableAsked bool, e expiry) *listWriter {
	// Buffered: one write(2) per 64 KiB, not one per consumer (on 100 k
	// consumers that was a third of "list --all -o json"); close flushes.
	bw := bufio.NewWriterSize(ios.Out, 64<<10)
	w := &listWriter{format: format, out: bw, buf: bw, st: ios.Styles(), e: e}
	switch format {
	case "table":
		tsv := !ios.IsStdoutTTY() && !tableAsked
		// On a narrow terminal: names and owners are cut, then the
		// registration time, owner-only, OAuth version, version and
		// suppressed columns hidden, in that order (-o json has them all).
		w.table = cmdutil.NewTable(ios, listHeader...).KeepWhole(0, 1).Shrink(2, 4).Optional(8, 7, 6, 3, 9).
			TSV(tsv).StreamTSV(w.out)
	case "json":
		io.WriteString(w.out, "{\n  \"consumers\": ") //nolint:errcheck // the buffer's error comes back at close
		w.json = cmdutil.NewJSONArrayIn(w.out, "  ")
	case "csv":
		w.csv = csv.NewWriter(w.out)
		w.csv.Write([]string{"id", "key", "name", "version", "owner", "owner_id", "stage", "oauth_version", "owner_only", "registered", "suppressed", "auto_expired"}) //nolint:errcheck
	}
	return w
}

func (w *listWriter) row(c *db.Consumer) error {
	it := itemOf(c, w.e)
	switch w.format {
	case "keys":
		_, err := fmt.Fprintln(w.out, c.Key)
		return err
	case "json":
		w.item = appendItem(w.item[:0], &it)
		return w.json.AddEncoded(w.item)
	case "csv":
		return w.csv.Write([]string{strconv.FormatInt(it.ID, 10), it.Key, it.Name, it.Version, it.Owner, strconv.FormatInt(it.OwnerID, 10),
			it.Stage, strconv.Itoa(it.OAuthVersion), strconv.FormatBool(it.OwnerOnly), it.Registered, strconv.FormatBool(it.Suppressed),
			strconv.FormatBool(it.AutoExpired)})
	}
	owner := c.OwnerName
	if owner == "" {
		owner = "#" + strconv.FormatInt(c.OwnerID, 10)
	}
	suppressed := cmdutil.C(yesNo(c.Deleted))
	if c.Deleted {
		suppressed = cmdutil.S(yesNo(c.Deleted), w.st.Warn)
	}
	stage, stageText, auto := w.e.stage(c)
	if auto {
		// As narrow as the widest stage name, so the table keeps its width.
		stageText = "expired (pending)"
	}
	w.table.AddRow(cmdutil.C(strconv.FormatInt(c.ID, 10)), cmdutil.S(c.Key, w.st.Key), cmdutil.C(c.Name), cmdutil.C(c.Version),
		cmdutil.C(owner), cmdutil.S(stageText, w.st.Stage(stage)), cmdutil.C(strconv.Itoa(c.OAuthVersion)),
		cmdutil.C(yesNo(c.OwnerOnly)), cmdutil.C(human(c.Registration)), suppressed)
	return nil
}

// close ends the output; JSON's object gets the next page's --after value
// (next, nil on the last page) and the count of suppressed consumers hidden.
func (w *listWriter) close(next *int64, hidden int64) error {
	if err := w.finish(next, hidden); err != nil {
		return err
	}
	return w.buf.Flush()
}

func (w *listWriter) finish(next *int64, hidden int64) error {
	switch w.format {
	case "json":
		if err := w.json.Close(); err != nil {
			return err
		}
		b := append(w.item[:0], ",\n  \"next_after\": "...)
		if next == nil {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendInt(b, *next, 10)
		}
		b = append(b, ",\n  \"suppressed_hidden\": "...)
		b = strconv.AppendInt(b, hidden, 10)
		b = append(b, "\n}\n"...)
		_, err := w.out.Write(b)
		return err
	case "csv":
		w.csv.Flush()
		return w.csv.Error()
	case "table":
		if w.table.Len() == 0 {
			return w.table.Render(io.Discard) // the streamed rows' error, if any
		}
		return w.table.Render(w.out)
	}
	return nil
}
