package consumer

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
)

// showView is the stable JSON shape of "consumer show": every field of a
// list item (so a script can switch from list to show), then the rest.
type showView struct {
	listItem
	StageTimestamp string `json:"stage_timestamp"`
	oauth2View
	Wiki                 string   `json:"wiki"`
	Grants               []string `json:"grants"`
	GrantsStoredAsObject bool     `json:"grants_stored_as_object"`
	callbackView
	Restrictions       json.RawMessage      `json:"restrictions"`
	Description        string               `json:"description"`
	Email              string               `json:"email"`
	EmailAuthenticated string               `json:"email_authenticated"`
	DeveloperAgreement bool                 `json:"developer_agreement"`
	Secret             string               `json:"secret"`  // "set" or "empty", never the value
	RSAKey             string               `json:"rsa_key"` // "set" or "empty"
	Acceptances        []db.AcceptanceCount `json:"acceptances"`
	Tokens             db.TokenSummary      `json:"access_tokens"`
	TaggedEdits        *int64               `json:"tagged_edits"` // null when change_tag_def is absent
	Tag                string               `json:"tag"`
	Log                []logView            `json:"log"`
}

type logView struct {
	ID        int64  `json:"id"`
	Action    string `json:"action"`
	Timestamp string `json:"timestamp"`
	Performer string `json:"performer"`
	Reason    string `json:"reason"`
}

// showOptions are what "consumer show" runs with.
type showOptions struct {
	baseOptions        // Format: text or json
	Ref         string // the consumer's key or id
	expirySetting
}

// newCmdShow builds "consumer show"; runF, when not nil, replaces showRun.
func newCmdShow(f *cmdutil.Factory, runF func(*showOptions) error) *cobra.Command {
	opts := &showOptions{baseOptions: newBaseOptions(f)}
	cmd := &cobra.Command{
		Use:   "show KEY|ID",
		Short: "Show everything about one consumer and its blast radius",
		Long: `Show one consumer with every field decoded: grants (stored as a JSON array
or object; "useoauth" shown as basic), OAuth 2 grant types, confidentiality,
callback, restrictions. Secrets are shown only as set or empty.

The blast radius follows: acceptances by wiki, OAuth 2 access tokens that are
live, revoked or expired (those attributable through an acceptance), edits
tagged "OAuth CID: <id>" on this wiki, and the consumer's log history with
reasons and performers.

Suppressed consumers are shown too (the database holds them; the wiki hides
them from users without mwoauthviewsuppressed).

--output json prints one object with stable snake_case fields: those of
"consumer list" (id, key, name, version, owner, owner_id, stage,
oauth_version, owner_only, registered, suppressed, auto_expired), then stage_timestamp,
oauth2_is_confidential, oauth2_allowed_grants, wiki, grants,
grants_stored_as_object, callback_url, callback_is_prefix, restrictions,
description, email, email_authenticated, developer_agreement, secret and
rsa_key ("set" or "empty", never the value), acceptances [{wiki, count}],
access_tokens {live, revoked, expired, latest_live_expiry}, tagged_edits
(null when the wiki has no change_tag_def), tag, and log [{id, action,
timestamp, performer, reason}]. Times are RFC 3339 UTC.`,
		Example: `  mwoauth consumer show 5096568cc6652b5ad36358427f1bd60c
  mwoauth consumer show 2 --output json | jq .access_tokens`,
		Args:              cmdutil.Args(cobra.ExactArgs(1), "a consumer KEY or ID"),
		ValidArgsFunction: completeConsumers(f, "", false),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.resolve(cmd, f, nil); err != nil {
				return err
			}
			var err error
			if opts.ExpirationAge, err = expirationAge(cmd, f); err != nil {
				return err
			}
			opts.Ref = args[0]
			return cmdutil.Pick(runF, showRun)(opts)
		},
	}
	addExpiryFlag(cmd)
	addBaseFlags(cmd, "text", "json")
	return cmd
}

// showRun reads the consumer, its blast radius and its log, and prints them.
func showRun(opts *showOptions) error {
	return opts.withStore(opts.DB.Open, func(st *db.Store) error { return showOn(opts, st) })
}

// showOn is showRun on the open database.
func showOn(opts *showOptions, st *db.Store) error {
	ctx := opts.Ctx
	e := opts.expiryAt(opts.Now())
	c, err := findConsumer(ctx, st, opts.Ref, "")
	if err != nil {
		return err
	}
	v := showView{listItem: itemOf(c, e), StageTimestamp: when(c.StageTimestamp), oauth2View: oauth2Of(c), Wiki: c.Wiki,
		Grants: c.Grants, GrantsStoredAsObject: c.GrantsStoredAsObject, callbackView: callbackOf(c),
		Restrictions: c.Restrictions, Description: c.Description, Email: c.Email,
		EmailAuthenticated: when(c.EmailAuthenticated), DeveloperAgreement: c.DeveloperAgreement,
		Secret: setEmpty(c.HasSecret), RSAKey: setEmpty(c.HasRSAKey),
		Tag: fmt.Sprintf("OAuth CID: %d", c.ID)}
	if v.Acceptances, err = st.AcceptancesByWiki(ctx, c.ID); err != nil {
		return err
	}
	if v.Tokens, err = st.TokenSummary(ctx, c.ID, opts.Now()); err != nil {
		return err
	}
	if n, ok, err := st.TaggedEdits(ctx, c.ID); err != nil {
		return err
	} else if ok {
		v.TaggedEdits = &n
	}
	entries, err := st.LogHistory(ctx, c.Key)
	if err != nil {
		return err
	}
	v.Log = []logView{}
	for _, e := range entries {
		v.Log = append(v.Log, logView{ID: e.ID, Action: e.Action, Timestamp: when(e.Timestamp), Performer: e.Performer, Reason: e.Comment})
	}
	if opts.Format == "json" {
		v.Tokens.LatestExpiry = when(v.Tokens.LatestExpiry)
		return cmdutil.WriteJSON(opts.IO.Out, v)
	}
	printShow(opts.IO, c, v, entries, e)
	return nil
}

func printShow(ios *cmdutil.IOStreams, c *db.Consumer, v showView, entries []db.LogEntry, e expiry) {
	st := ios.Styles()
	out := ios.Out
	fmt.Fprintf(out, "%s %s\n", st.Bold.Render(cmdutil.Safe(c.Name)), cmdutil.Safe(c.Version))
	field := func(name, value string) { fmt.Fprintf(out, "  %-20s %s\n", name, value) }
	field("key", st.Key.Render(cmdutil.Safe(c.Key)))
	field("id", fmt.Sprint(c.ID))
	owner := cmdutil.Safe(c.OwnerName)
	if owner == "" {
		owner = "(unknown)"
	}
	field("owner", fmt.Sprintf("%s (central id %d)", owner, c.OwnerID))
	stageNum, stage, auto := e.stage(c)
	stage = st.Stage(stageNum).Render(stage)
	field("stage", fmt.Sprintf("%s since %s", stage, human(c.StageTimestamp)))
	if auto {
		field("", st.Dim.Render("the row still says proposed; the wiki's auto-maintenance expires proposals older than request-expiration-age: approve it, or it stays expired"))
	}
	supp := "no"
	if c.Deleted {
		supp = st.Warn.Render("yes (hidden from users without mwoauthviewsuppressed)")
	}
	field("suppressed", supp)
	field("oauth version", fmt.Sprint(c.OAuthVersion))
	field("owner-only", yesNo(c.OwnerOnly))
	if c.OAuthVersion == 2 {
		field("confidential", yesNo(c.OAuth2Confidential))
		field("oauth2 grant types", orNone(cmdutil.Safe(strings.Join(c.OAuth2AllowedGrants, ", "))))
	}
	grants := orNone(cmdutil.Safe(strings.Join(c.Grants, ", ")))
	if c.GrantsStoredAsObject {
		grants += st.Dim.Render("  (stored as a JSON object)")
	}
	field("grants", grants)
	field("wiki", cmdutil.Safe(c.Wiki))
	cb := cmdutil.Safe(c.CallbackURL)
	if c.CallbackIsPrefix {
		cb += " (prefix)"
	}
	field("callback", orNone(cb))
	field("restrictions", orNone(cmdutil.Safe(string(c.Restrictions))))
	email := cmdutil.Safe(c.Email)
	if c.EmailAuthenticated != "" {
		email += " (confirmed " + human(c.EmailAuthenticated) + ")"
	}
	field("email", orNone(email))
	field("registered", human(c.Registration))
	field("developer agreement", yesNo(c.DeveloperAgreement))
	field("secret", setEmpty(c.HasSecret))
	field("rsa key", setEmpty(c.HasRSAKey))
	field("description", orNone(cmdutil.Safe(c.Description)))

	fmt.Fprintln(out)
	fmt.Fprintln(out, st.Bold.Render("Blast radius"))
	_, acc := acceptances(v.Acceptances)
	field("acceptances", acc)
	tok := fmt.Sprintf("%d live, %d revoked, %d expired", v.Tokens.Live, v.Tokens.Revoked, v.Tokens.Expired)
	if v.Tokens.LatestExpiry != "" {
		tok += "; latest live exp " + human(v.Tokens.LatestExpiry)
	}
	field("access tokens", tok)
	if usesClientCredentials(c) {
		field("", st.Dim.Render("client_credentials tokens of this client carry acceptance id 0 and cannot be counted"))
	}
	if v.TaggedEdits != nil {
		field("tagged edits", fmt.Sprintf("%d (tag %q on this wiki)", *v.TaggedEdits, v.Tag))
	} else {
		field("tagged edits", st.Dim.Render("unknown (no change_tag_def table in this database)"))
	}

	fmt.Fprintln(out)
	fmt.Fprintln(out, st.Bold.Render("Log"))
	if len(entries) == 0 {
		fmt.Fprintln(out, "  (no log entries)")
	}
	for _, e := range entries {
		fmt.Fprintf(out, "  %s  %-17s by %s: %s\n", human(e.Timestamp), cmdutil.Safe(e.Action), cmdutil.Safe(e.Performer), cmdutil.Safe(e.Comment))
	}
}

// usesClientCredentials: such a client's tokens (not owner-only) carry
// acceptance id 0, so the database cannot attribute them to it.
func usesClientCredentials(c *db.Consumer) bool {
	if c.OAuthVersion != 2 || c.OwnerOnly {
		return false
	}
	for _, g := range c.OAuth2AllowedGrants {
		if g == "client_credentials" {
			return true
		}
	}
	return false
}
