package consumer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// bulkHelp is what every action's help says about choosing many consumers.
const bulkHelp = `
Many consumers at once: give several KEYs or IDs; or - to read them from
stdin (one or more per line, # starts a comment; confirm with --yes, since
stdin is the list); or --owner NAME (a user name or central id) for every
consumer of that owner the action can change (e.g. a locked account's):
disable takes the approved ones (and, with --suppress, the disabled ones
not yet suppressed; it never lifts a suppression), enable the disabled,
reject the proposals (not those past auto-expiry), approve the proposed,
rejected and expired; the preview counts the owner's other consumers, left
alone. There is one combined preview and one confirmation, then one
transaction per consumer. A consumer that cannot be changed is reported as
refused and the others are still changed, however the consumers were named
(several KEYs, xargs, - or --owner); a consumer changed by someone else
since the preview is refused at write time. Every run with several consumers ends with a summary of
what changed, what was already so and what was refused, and exits 10 if
any was refused (JSON: each result's outcome is changed, unchanged,
refused or failed).`

// findConsumer looks up the consumer a user named by KEY or ID. An unknown
// one is exit 9 saying what to give; after ends the message ("; nothing
// written" for a write). The reference is quoted, not escaped: the error
// printer (cmdutil.ErrorLine) escapes the whole line once.
func findConsumer(ctx context.Context, st *db.Store, ref, after string) (*db.Consumer, error) {
	c, err := st.LookupConsumer(ctx, ref)
	if errors.Is(err, db.ErrNotFound) {
		return nil, cmdutil.Exitf(cmdutil.ExitNotFound, "no consumer %q (give the 32-hex key or the numeric id)%s", ref, after)
	}
	return c, err
}

// maxStdinKeys bounds a key list read from stdin (cmdutil.ReadInput's 1 MiB
// holds about 30,000 keys).
const maxStdinKeys = 100_000

// keysFromStdin reads consumer references from stdin: whitespace-separated,
// # comments to the end of the line.
func keysFromStdin(ios *cmdutil.IOStreams) ([]string, error) {
	if ios.IsStdinTTY() {
		return nil, cmdutil.FlagErrorf("- reads consumer keys or ids from stdin: pipe them in (e.g. consumer list --all -o keys | ...)")
	}
	text, err := cmdutil.ReadInput(ios, "-", true, "consumer keys")
	if err != nil {
		return nil, err
	}
	var refs []string
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		refs = append(refs, strings.Fields(line)...)
		if len(refs) > maxStdinKeys {
			return nil, cmdutil.FlagErrorf("stdin holds more than %d consumer keys", maxStdinKeys)
		}
	}
	if len(refs) == 0 {
		return nil, cmdutil.FlagErrorf("stdin held no consumer keys or ids")
	}
	return refs, nil
}

// ownerSelection is what --owner chose: the owner's consumers the action
// changes, and how many of the others were left alone, by stage.
type ownerSelection struct {
	owner     string
	ownerID   int64
	consumers []*db.Consumer
	leftAlone map[string]int
}

// selectOwner finds every consumer of the owner (suppressed ones too) and
// keeps those the action changes, as mediawiki.Transition says at now:
// not the ones it would refuse or leave as they are, and for disable not
// the suppressed ones it would un-suppress.
func selectOwner(ctx context.Context, st *db.Store, owner string, action db.Action, suppress bool, now time.Time, age time.Duration) (*ownerSelection, error) {
	sel := &ownerSelection{leftAlone: map[string]int{}}
	var err error
	sel.ownerID, sel.owner, err = ownerID(ctx, st, owner)
	if errors.Is(err, db.ErrNotFound) {
		return nil, cmdutil.Exitf(cmdutil.ExitNotFound, "--owner: no user %q; nothing written", owner)
	}
	if err != nil {
		return nil, err
	}
	err = st.ListConsumers(ctx, db.ListFilter{OwnerID: sel.ownerID, IncludeSuppressed: true}, func(c *db.Consumer) error {
		effective := c.EffectiveStage(now, age)
		// A transition the wiki refuses is not an error here: the consumer
		// is one the action does not change, and is counted as left alone.
		_, toDeleted, noChange, refused := mediawiki.Transition(action, effective, c.Deleted, suppress)
		if refused == nil && !noChange && !(action == mediawiki.ActionDisable && c.Deleted && !toDeleted) {
			sel.consumers = append(sel.consumers, c)
		} else {
			sel.leftAlone[c.EffectiveStageName(now, age)]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sel, nil
}

// ownerID resolves an owner as --owner names one (list, and the actions):
// a central user id, or a user name, which the wiki's user tables (or
// CentralAuth's) resolve, giving the name as stored. An unknown name is
// db.ErrNotFound.
func ownerID(ctx context.Context, st *db.Store, owner string) (id int64, name string, err error) {
	if id, err := strconv.ParseInt(strings.TrimSpace(owner), 10, 64); err == nil && id > 0 {
		return id, owner, nil
	}
	return st.UserIDByName(ctx, owner)
}

// leftAloneText is "1 proposed, 3 rejected" (sorted by stage name).
func (sel *ownerSelection) leftAloneText() string {
	names := make([]string, 0, len(sel.leftAlone))
	for n := range sel.leftAlone {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%d %s", sel.leftAlone[n], n)
	}
	return strings.Join(parts, ", ")
}
