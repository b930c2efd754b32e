package db

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mwoauth/mwoauth/mediawiki"
)

// Action is a Special:OAuthManageConsumers action (mediawiki's).
type Action = mediawiki.ConsumerAction

// RefusedError is a change the wiki would not make, or a safety guard:
// nothing was written. Err, when set, is the reason in its own type (a
// *PermissionError).
type RefusedError struct {
	Msg string
	Err error
}

func (e *RefusedError) Error() string { return e.Msg }
func (e *RefusedError) Unwrap() error { return e.Err }

// PermissionError is a performer the wiki would refuse (mediawiki's).
type PermissionError = mediawiki.PermissionError

// ErrInvalidReason is a reason the management form would not accept.
var ErrInvalidReason = errors.New("invalid reason")

// errReasonRequired is a missing or blank reason.
var errReasonRequired = fmt.Errorf("%w: a reason is required (it is stored in the wiki's log)", ErrInvalidReason)

// maxReasonBytes is the form's limit: /^.{0,255}$/ without the u flag
// counts bytes.
const maxReasonBytes = 255

// ValidateReason trims the reason as MediaWiki does before storing it and
// applies the form's rule /^.{0,255}$/ plus "required": PCRE's '.' matches
// any byte but a newline, and without /u the count is in bytes.
func ValidateReason(reason string) (string, error) {
	r := strings.TrimSpace(reason)
	switch {
	case r == "":
		return "", errReasonRequired
	case strings.ContainsRune(r, '\n'):
		return "", fmt.Errorf("%w: the reason must be one line (the wiki's form rejects newlines)", ErrInvalidReason)
	case len(r) > maxReasonBytes:
		return "", fmt.Errorf("%w: the reason is %d bytes; the wiki's form allows at most %d", ErrInvalidReason, len(r), maxReasonBytes)
	case !utf8.ValidString(r):
		return "", fmt.Errorf("%w: the reason is not valid UTF-8", ErrInvalidReason)
	}
	return r, nil
}

// commentHash is CommentStore::hash: crc32(text) XOR crc32(data ?? ""),
// as a signed 32-bit integer. crc32("") is 0, so with no data it is the
// signed crc32 of the text.
func commentHash(text string) int32 {
	return int32(crc32.ChecksumIEEE([]byte(text)) ^ crc32.ChecksumIEEE(nil))
}

// logParams is LogEntryBase::makeParamBlob for makeLogEntry's parameters:
// PHP serialize(['4:consumer' => key]). String lengths are in bytes.
func logParams(key string) string {
	return fmt.Sprintf(`a:1:{s:10:"4:consumer";s:%d:"%s";}`, len(key), key)
}

// Request describes one consumer action. PlanAction validates and trims
// the reason.
type Request struct {
	Action       Action
	Suppress     bool // reject/disable: set oarc_deleted = 1
	Reason       string
	Performer    string // the admin the log entry is written under
	RevokeTokens bool   // disable only: delete the attributable token rows
	// Now is when the plan is made; auto-expiry is judged at it. The write
	// stamps the real time when it happens (Plan.Stamp).
	Now time.Time
	// Rights says which groups hold the rights; the zero value means the
	// defaults.
	Rights mediawiki.GroupRights
	// SkipRightsCheck writes even when MediaWiki would refuse the
	// performer (the plan still says why it would).
	SkipRightsCheck bool
	// ExpirationAge is $wgMWOAuthRequestExpirationAge (0: the default;
	// negative: auto-expiry off).
	ExpirationAge time.Duration
}

// Plan is what an action will do, computed before anything is written (the
// preview) and checked again inside the transaction.
type Plan struct {
	Consumer       *Consumer
	Action         Action
	FromStage      int // the row's stage (the concurrency guard compares it)
	EffectiveStage int // the stage the wiki acts on (auto-expiry applied)
	AutoExpired    bool
	FromDeleted    bool
	ToStage        int
	ToDeleted      bool
	NoChange       bool
	Performer      *Performer
	PerformerState *UserState
	// RightsProblem is why MediaWiki would refuse the performer; set
	// (and not an error) only when the check was skipped.
	RightsProblem *PermissionError
	RightsSkipped bool
	Comment       string
	Timestamp     string // TS_MW of the write (set again at write time)
	LogTitle      string
	logParams     string
	Acceptances   []AcceptanceCount
	Tokens        TokenSummary
	Revoke        bool
	// RevokeRows is how many token rows are attributable now (the preview
	// count; the write deletes and reports what is there then).
	RevokeRows int
}

// PerformerNotFoundError is an unknown performer.
type PerformerNotFoundError struct{ Name string }

func (e *PerformerNotFoundError) Error() string {
	return fmt.Sprintf("no user %q on this wiki (the performer is the admin the log entry is written under)", e.Name)
}
func (e *PerformerNotFoundError) Unwrap() error { return ErrNotFound }

// ErrRevokeNeedsDisable is --revoke-tokens on another action.
var ErrRevokeNeedsDisable = errors.New("revoking tokens goes with disable only")

// PlanAction computes the preview. Refused transitions are *RefusedError;
// a performer MediaWiki would refuse is *PermissionError (with the plan, so
// the preview can show it); an unknown performer is *PerformerNotFoundError.
func (s *Store) PlanAction(ctx context.Context, c *Consumer, req Request) (*Plan, error) {
	reason, err := ValidateReason(req.Reason)
	if err != nil {
		return nil, err
	}
	if req.RevokeTokens && req.Action != mediawiki.ActionDisable {
		return nil, ErrRevokeNeedsDisable
	}
	age := req.ExpirationAge
	if age == 0 {
		age = mediawiki.DefaultRequestExpirationAge
	}
	rights := req.Rights
	if rights.Manager == nil && rights.Suppressor == nil {
		rights = mediawiki.DefaultGroupRights()
	}
	p := &Plan{Consumer: c, Action: req.Action, FromStage: c.Stage, FromDeleted: c.Deleted,
		EffectiveStage: c.EffectiveStage(req.Now, age), AutoExpired: c.AutoExpired(req.Now, age),
		Comment: reason, Timestamp: FormatTimestamp(req.Now), logParams: logParams(c.Key), Revoke: req.RevokeTokens}
	if strings.TrimSpace(req.Performer) == "" {
		return nil, &PerformerNotFoundError{Name: req.Performer}
	}
	perf, err := s.findPerformer(ctx, s.wdb, req.Performer)
	if errors.Is(err, ErrNotFound) {
		return nil, &PerformerNotFoundError{Name: req.Performer}
	}
	if err != nil {
		return nil, err
	}
	p.Performer = perf
	var tErr *mediawiki.TransitionError
	p.ToStage, p.ToDeleted, p.NoChange, tErr = mediawiki.Transition(req.Action, p.EffectiveStage, c.Deleted, req.Suppress)

	// The rights, in ConsumerSubmitControl's order: the base checks and
	// mwoauthmanageconsumer come before the stage; mwoauthsuppress for a
	// suppressed consumer after it. Either way nothing is written.
	state, permErr := s.performerState(ctx, perf)
	if permErr == nil && state != nil {
		p.PerformerState = state
		permErr = mediawiki.CheckPerformer(state, rights, mediawiki.RequiredRights(req.Action, c.Deleted, req.Suppress))
	} else if permErr == nil {
		return nil, fmt.Errorf("performer %q: no user state", perf.Name)
	}
	var pe *PermissionError
	if permErr != nil && !errors.As(permErr, &pe) {
		return nil, permErr
	}
	if pe != nil {
		if !req.SkipRightsCheck {
			if tErr == nil {
				s.fillPreview(ctx, p, req.Now) //nolint:errcheck // best effort: the refusal is the answer
			}
			return p, &RefusedError{Msg: pe.Error(), Err: pe}
		}
		p.RightsProblem, p.RightsSkipped = pe, true
	}
	if tErr != nil {
		return p, &RefusedError{Msg: fmt.Sprintf("%s: %v", c.Key, tErr)}
	}
	owner, err := s.ownerName(ctx, c.OwnerID)
	if errors.Is(err, ErrNotFound) {
		where := "user, actor"
		if s.central != nil {
			where = "CentralAuth globaluser"
		}
		return p, &RefusedError{Msg: fmt.Sprintf("%s: cannot name the owner (central user id %d is not in %s); the log entry's title would be wrong, so nothing is written (name a CentralAuth database on a CentralAuth farm)", c.Key, c.OwnerID, where)}
	}
	if err != nil {
		return p, err
	}
	c.OwnerName = owner
	p.LogTitle = strings.ReplaceAll(owner, " ", "_")
	if err := s.fillPreview(ctx, p, req.Now); err != nil {
		return p, err
	}
	return p, nil
}

// fillPreview adds the blast radius: acceptances and token rows.
func (s *Store) fillPreview(ctx context.Context, p *Plan, now time.Time) error {
	var err error
	if p.Acceptances, err = s.AcceptancesByWiki(ctx, p.Consumer.ID); err != nil {
		return err
	}
	if p.Tokens, err = s.TokenSummary(ctx, p.Consumer.ID, now); err != nil {
		return err
	}
	if p.Revoke {
		p.RevokeRows = p.Tokens.Live + p.Tokens.Revoked + p.Tokens.Expired
	}
	return nil
}

// performerState reads the performer's groups, blocks and lock. With
// CentralAuth the performer needs a global account (MediaWiki's
// UserEntity::newFromMWUser gives no central id otherwise: badaccess-group0).
func (s *Store) performerState(ctx context.Context, perf *Performer) (*UserState, error) {
	id := perf.UserID
	if s.central != nil {
		gid, _, err := s.UserIDByName(ctx, perf.Name)
		if errors.Is(err, ErrNotFound) {
			return nil, &PermissionError{Performer: perf.Name, Reason: "has no global (CentralAuth) account"}
		}
		if err != nil {
			return nil, err
		}
		id = gid
	}
	u, err := s.UserByCentralID(ctx, id)
	if errors.Is(err, ErrNotFound) {
		// An actor row without a user row (a partial copy): no groups known.
		return &UserState{CentralID: id, Name: perf.Name, Groups: []string{}}, nil
	}
	return u, err
}

// RevokedToken is one oauth2_access_tokens row an action deleted, kept for
// the incident record.
type RevokedToken struct {
	JTI          string `json:"jti"`
	Expires      string `json:"expires"` // TS_MW or "infinity"
	AcceptanceID int64  `json:"acceptance_id"`
}

// Result is what Apply wrote.
type Result struct {
	Changed       bool
	LogID         int64
	CommentID     int64
	CommentReused bool
	ActorCreated  bool
	ActorID       int64
	LogPage       int64
	RevokedTokens []RevokedToken
	Timestamp     string
}

// boolInt is a flag as the schema's tinyint columns hold it.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
