package consumer

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// listOptions are what "consumer list" runs with, every flag checked and
// every setting resolved.
type listOptions struct {
	baseOptions // Format: table, json, csv or keys
	// TableAsked: --output was given, so a table is aligned with a header
	// even when piped.
	TableAsked bool
	// Filter is what the flags select; listRun adds the owner's central
	// id, auto-expiry's cutoff and the page size.
	Filter db.ListFilter
	Owner  string // user name or central id
	expirySetting
	Limit int
	All   bool
}

const defaultLimit = 100

// listItem is the stable JSON/CSV shape of one consumer in a list.
type listItem struct {
	ID           int64  `json:"id"`
	Key          string `json:"key"`
	Name         string `json:"name"`
	Version      string `json:"version"`
	Owner        string `json:"owner"`
	OwnerID      int64  `json:"owner_id"`
	Stage        string `json:"stage"`
	OAuthVersion int    `json:"oauth_version"`
	OwnerOnly    bool   `json:"owner_only"`
	Registered   string `json:"registered"`
	Suppressed   bool   `json:"suppressed"`
	AutoExpired  bool   `json:"auto_expired"`
}

func itemOf(c *db.Consumer, e expiry) listItem {
	stage, _, auto := e.stage(c)
	return listItem{ID: c.ID, Key: c.Key, Name: c.Name, Version: c.Version, Owner: c.OwnerName, OwnerID: c.OwnerID,
		Stage: mediawiki.StageName(stage), OAuthVersion: c.OAuthVersion, OwnerOnly: c.OwnerOnly, Registered: when(c.Registration), Suppressed: c.Deleted,
		AutoExpired: auto}
}

// newCmdList builds "consumer list"; runF, when not nil, replaces listRun.
func newCmdList(f *cmdutil.Factory, runF func(*listOptions) error) *cobra.Command {
	opts := &listOptions{baseOptions: newBaseOptions(f), Filter: db.ListFilter{Brief: true}}
	var stages []string
	var ownerOnly bool
	var oauthVersion int
	var since, before string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List consumers, filtered and paged",
		Long: `List OAuth consumers from oauth_registered_consumer, in id order.

Suppressed consumers (oarc_deleted = 1) are hidden unless --include-suppressed
is given; a note on stderr says how many matched and were hidden. Pages are
read by id (keyset): --limit N shows N consumers (default 100) and says how
to get the next page (--after ID); --all streams every match with flat
memory use.

Stages: proposed, approved, rejected, expired, disabled, configuration-based
(--stage may be repeated or comma-separated). --owner takes a user name or a
central user id. --grant matches a grant name (basic matches the stored
"useoauth").

Output: a table on a terminal (names cut to fit its width), tab-separated
columns without a header when piped; --output json, csv (with a header) or
keys (one key per line, to feed other commands). csv and keys have no room
for a next-page hint a script would see, so they need --all or an explicit
--limit: a pipe never covers the first page alone by surprise.

JSON is one object (stable, snake_case; fields are only ever added):
  {"consumers": [ITEM, ...], "next_after": ID or null, "suppressed_hidden": N}
next_after is the --after value of the next page (null on the last page);
suppressed_hidden counts the suppressed consumers the filters matched and
the list left out (0 with --include-suppressed).

Fields of each ITEM, and CSV columns: id, key, name, version, owner,
owner_id (the owner's central user id), stage, oauth_version, owner_only,
registered (RFC 3339 UTC), suppressed, auto_expired.

A proposal whose stage timestamp is older than $wgMWOAuthRequestExpirationAge
(setting request-expiration-age, default 30 days) is expired for the wiki:
its auto-maintenance marks it so whenever the management pages are viewed.
It is listed as "expired (pending)" (auto-maintenance pending; "consumer
show" says so in full; stage "expired", auto_expired true in JSON and CSV)
and matches --stage expired, not --stage proposed.`,
		Example: `  mwoauth consumer list
  mwoauth consumer list --stage approved,disabled --owner "Dev User"
  mwoauth consumer list --search leak --oauth-version 2 --output json
  mwoauth consumer list --all --output csv > consumers.csv
  mwoauth consumer list --grant editpage --all --output keys
  mwoauth consumer list --output json | jq -r '.consumers[].key, .next_after'`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.resolve(cmd, f, func() error {
				return opts.bind(cmd, f, listFlags{stages, ownerOnly, oauthVersion, since, before})
			}); err != nil {
				return err
			}
			return cmdutil.Pick(runF, listRun)(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&stages, "stage", nil, "Only consumers in these `stages` (proposed, approved, rejected, expired, disabled, configuration-based)")
	fl.StringVar(&opts.Owner, "owner", "", "Only consumers of this owner (user `name` or central id)")
	fl.BoolVar(&ownerOnly, "owner-only", false, "Only owner-only consumers (--owner-only=false: only the others)")
	fl.IntVar(&oauthVersion, "oauth-version", 0, "Only OAuth `version` 1 or 2 consumers")
	fl.StringVar(&opts.Filter.Grant, "grant", "", "Only consumers requesting this `grant`")
	fl.StringVar(&opts.Filter.Search, "search", "", "Only consumers whose name or key contains `text` (case-insensitive)")
	fl.StringVar(&since, "registered-since", "", "Only consumers registered at or after `time` (RFC 3339, date or unix)")
	fl.StringVar(&before, "registered-before", "", "Only consumers registered before `time`")
	fl.BoolVar(&opts.Filter.IncludeSuppressed, "include-suppressed", false, "Also list suppressed consumers")
	fl.IntVar(&opts.Limit, "limit", defaultLimit, "Show at most `N` consumers")
	fl.Int64Var(&opts.Filter.AfterID, "after", 0, "Start after consumer `ID` (the next page)")
	fl.BoolVar(&opts.All, "all", false, "Stream every matching consumer (no limit)")
	addExpiryFlag(cmd)
	addBaseFlags(cmd, "table", "json", "csv", "keys")
	return cmd
}

// listFlags are the flags bind turns into the filter.
type listFlags struct {
	stages        []string
	ownerOnly     bool
	oauthVersion  int
	since, before string
}

// bind checks list's own flags and resolves its settings into opts
// (opts.resolve calls it after the output format, before the database).
func (opts *listOptions) bind(cmd *cobra.Command, f *cmdutil.Factory, fl listFlags) error {
	opts.TableAsked = cmd.Flags().Changed("output")
	filter := &opts.Filter
	for _, s := range fl.stages {
		for _, part := range strings.Split(s, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			st, ok := mediawiki.ParseStage(part)
			if !ok {
				return cmdutil.FlagErrorf("--stage %q is not one of: %s", part, strings.Join(mediawiki.StageNames(), ", "))
			}
			filter.Stages = append(filter.Stages, st)
		}
	}
	if cmd.Flags().Changed("owner-only") {
		v := fl.ownerOnly
		filter.OwnerOnly = &v
	}
	switch fl.oauthVersion {
	case 0, 1, 2:
		filter.OAuthVersion = fl.oauthVersion
	default:
		return cmdutil.FlagErrorf("--oauth-version must be 1 or 2")
	}
	for _, tf := range []struct {
		flag, val string
		dst       *string
	}{{"registered-since", fl.since, &filter.RegisteredSince}, {"registered-before", fl.before, &filter.RegisteredBefore}} {
		if tf.val == "" {
			continue
		}
		t, err := cmdutil.ParseTime(tf.val)
		if err != nil {
			return cmdutil.FlagErrorf("--%s: %v", tf.flag, err)
		}
		*tf.dst = db.FormatTimestamp(t)
	}
	var err error
	if opts.ExpirationAge, err = expirationAge(cmd, f); err != nil {
		return err
	}
	if opts.Limit < 1 && !opts.All {
		return cmdutil.FlagErrorf("--limit must be at least 1 (or use --all)")
	}
	if filter.AfterID < 0 {
		return cmdutil.FlagErrorf("--after must be a consumer id")
	}
	if (opts.Format == "keys" || opts.Format == "csv") && !opts.All && !cmd.Flags().Changed("limit") {
		return cmdutil.FlagErrorf("--output %s has no room for a next-page hint: add --all (every match) or --limit N (at most N)", opts.Format)
	}
	return nil
}

// listRun streams the matching consumers, a page or all of them.
func listRun(opts *listOptions) error {
	e := opts.expiryAt(opts.Now())
	filter := opts.Filter
	filter.ExpiredBefore = e.cutoff()
	return opts.withStore(opts.DB.Open, func(st *db.Store) error { return listOn(opts, st, e, filter) })
}

// listOn is listRun on the open database.
func listOn(opts *listOptions, st *db.Store, e expiry, filter db.ListFilter) error {
	ctx := opts.Ctx
	var err error
	if opts.Owner != "" {
		filter.OwnerID, _, err = ownerID(ctx, st, opts.Owner)
		if errors.Is(err, db.ErrNotFound) {
			return cmdutil.Exitf(cmdutil.ExitNotFound, "no user %q", opts.Owner)
		}
		if err != nil {
			return err
		}
	}
	if !opts.All {
		filter.Limit = opts.Limit + 1 // one more tells whether there is a next page
	}

	w := newListWriter(opts.IO, opts.Format, opts.TableAsked, e)
	shown := 0
	var lastID int64
	more := false
	err = st.ListConsumers(ctx, filter, func(c *db.Consumer) error {
		if !opts.All && shown == opts.Limit {
			more = true
			return errStop
		}
		shown++
		lastID = c.ID
		return w.row(c)
	})
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	var hidden int64
	if !filter.IncludeSuppressed {
		hf := filter
		hf.OnlySuppressed = true
		if hidden, err = st.CountConsumers(ctx, hf); err != nil {
			return err
		}
	}
	var next *int64
	if more {
		next = &lastID
	}
	if err := w.close(next, hidden); err != nil {
		return err
	}
	if more {
		fmt.Fprintf(opts.IO.ErrOut, "Showing %d consumers; next page: --after %d (or --all)\n", shown, lastID)
	} else if shown == 0 && opts.Format == "table" && hidden == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No consumers match.")
	}
	if hidden == 1 {
		fmt.Fprintln(opts.IO.ErrOut, "1 suppressed consumer matches and is hidden (--include-suppressed lists it)")
	} else if hidden > 1 {
		fmt.Fprintf(opts.IO.ErrOut, "%d suppressed consumers match and are hidden (--include-suppressed lists them)\n", hidden)
	}
	return nil
}

var errStop = errors.New("stop")

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

// itemIndent is the indentation of a list item's members: the items are
// in the "consumers" array of the top object.
const itemIndent = "\n      "

// appendItem appends one list item as cmdutil.JSONArray.Add would write it
// in the "consumers" array (NewJSONArrayIn(w, "  "); its escaping:
// cmdutil.AppendJSONString), without reflection or the re-indenting pass:
// on 100 k consumers those made "list --all -o json" 2.3x the mariadb
// client's own JSON_OBJECT query. TestAppendItemMatchesAdd holds it to
// JSONArray.Add byte for byte.
func appendItem(b []byte, it *listItem) []byte {
	b = append(b, "{"+itemIndent+"\"id\": "...)
	b = strconv.AppendInt(b, it.ID, 10)
	b = appendField(b, "key", it.Key)
	b = appendField(b, "name", it.Name)
	b = appendField(b, "version", it.Version)
	b = appendField(b, "owner", it.Owner)
	b = append(b, ","+itemIndent+"\"owner_id\": "...)
	b = strconv.AppendInt(b, it.OwnerID, 10)
	b = appendField(b, "stage", it.Stage)
	b = append(b, ","+itemIndent+"\"oauth_version\": "...)
	b = strconv.AppendInt(b, int64(it.OAuthVersion), 10)
	b = append(b, ","+itemIndent+"\"owner_only\": "...)
	b = strconv.AppendBool(b, it.OwnerOnly)
	b = appendField(b, "registered", it.Registered)
	b = append(b, ","+itemIndent+"\"suppressed\": "...)
	b = strconv.AppendBool(b, it.Suppressed)
	b = append(b, ","+itemIndent+"\"auto_expired\": "...)
	b = strconv.AppendBool(b, it.AutoExpired)
	return append(b, "\n    }"...)
}

func appendField(b []byte, name, v string) []byte {
	b = append(b, ","+itemIndent+"\""...)
	b = append(b, name...)
	b = append(b, "\": "...)
	return cmdutil.AppendJSONString(b, v)
}
