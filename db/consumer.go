package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/mwoauth/mwoauth/mediawiki"
)

// The consumer's domain type and stage rules live in mediawiki; these names
// keep the database layer's callers short.
type Consumer = mediawiki.Consumer

// backCompatGrants maps the names MediaWiki stores to the names it shows
// (Consumer::$mapBackCompatGrants).
var backCompatGrants = map[string]string{
	"useoauth":        "basic",
	"authonly":        "mwoauth-authonly",
	"authonlyprivate": "mwoauth-authonlyprivate",
}

// storedGrantName is the name MediaWiki writes for grant (basic → useoauth).
func storedGrantName(grant string) string {
	for stored, shown := range backCompatGrants {
		if shown == grant {
			return stored
		}
	}
	return grant
}

// decodeGrants reads oarc_grants / oaac_grants: a JSON array, or a JSON
// object with numeric keys (PHP encodes an array with gaps that way), and
// maps the back-compat names. isObject reports the object form.
func decodeGrants(raw string) (grants []string, isObject bool, err error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "null" {
		return []string{}, false, nil
	}
	var list []string
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		var obj map[string]string
		if err2 := json.Unmarshal([]byte(raw), &obj); err2 != nil {
			return nil, false, fmt.Errorf("grants %q: not a JSON array or object", raw)
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		// PHP arrays keep insertion order; the keys are the original
		// indexes, so numeric order restores it.
		sort.Slice(keys, func(i, j int) bool {
			a, ea := strconv.Atoi(keys[i])
			b, eb := strconv.Atoi(keys[j])
			if ea == nil && eb == nil {
				return a < b
			}
			return keys[i] < keys[j]
		})
		for _, k := range keys {
			list = append(list, obj[k])
		}
		isObject = true
	}
	out := make([]string, 0, len(list))
	for _, g := range list {
		if m, ok := backCompatGrants[g]; ok {
			g = m
		}
		out = append(out, g)
	}
	return out, isObject, nil
}

const consumerSelect = `oarc_id, oarc_consumer_key, oarc_name, oarc_user_id, oarc_version, oarc_callback_url,
 oarc_callback_is_prefix, oarc_description, oarc_email, oarc_email_authenticated, oarc_developer_agreement,
 oarc_owner_only, oarc_wiki, oarc_grants, oarc_registration, oarc_secret_key IS NOT NULL AND oarc_secret_key <> '',
 oarc_rsa_key IS NOT NULL AND oarc_rsa_key <> '', oarc_restrictions, oarc_stage, oarc_stage_timestamp, oarc_deleted,
 oarc_oauth_version, oarc_oauth2_allowed_grants, oarc_oauth2_is_confidential`

type rowScanner interface{ Scan(dest ...any) error }

// scanConsumer reads one row of consumerSelect. Binary columns arrive as
// []byte from MySQL and as []byte or string from SQLite; NullString takes both.
func scanConsumer(r rowScanner) (*Consumer, error) {
	var (
		c                                                   Consumer
		key, name, version, cb, desc, email, wiki, grants   sql.NullString
		isPrefix, emailAuth, reg, restr, stageTS, o2grants  sql.NullString
		devAgree, ownerOnly, hasSecret, hasRSA, del, confid sql.NullInt64
		stage, ver                                          sql.NullInt64
	)
	err := r.Scan(&c.ID, &key, &name, &c.OwnerID, &version, &cb, &isPrefix, &desc, &email, &emailAuth,
		&devAgree, &ownerOnly, &wiki, &grants, &reg, &hasSecret, &hasRSA, &restr, &stage, &stageTS, &del,
		&ver, &o2grants, &confid)
	if err != nil {
		return nil, err
	}
	c.Key, c.Name, c.Version = key.String, name.String, version.String
	c.CallbackURL, c.Description, c.Email, c.Wiki = cb.String, desc.String, email.String, wiki.String
	c.CallbackIsPrefix = isPrefix.String == "1"
	c.EmailAuthenticated = strings.TrimRight(emailAuth.String, "\x00")
	c.DeveloperAgreement, c.OwnerOnly = devAgree.Int64 != 0, ownerOnly.Int64 != 0
	c.HasSecret, c.HasRSAKey, c.Deleted = hasSecret.Int64 != 0, hasRSA.Int64 != 0, del.Int64 != 0
	c.OAuth2Confidential = confid.Int64 != 0
	c.Registration, c.StageTimestamp = reg.String, stageTS.String
	c.Stage, c.OAuthVersion = int(stage.Int64), int(ver.Int64)
	if g, obj, err := decodeGrants(grants.String); err == nil {
		c.Grants, c.GrantsStoredAsObject = g, obj
	} else {
		c.Grants = []string{}
	}
	if o2grants.Valid && o2grants.String != "" {
		var g []string
		if json.Unmarshal([]byte(o2grants.String), &g) == nil {
			c.OAuth2AllowedGrants = g
		} else if gg, _, err := decodeGrants(o2grants.String); err == nil {
			c.OAuth2AllowedGrants = gg
		}
	}
	if r := strings.TrimSpace(restr.String); r != "" && json.Valid([]byte(r)) {
		c.Restrictions = json.RawMessage(r)
	} else {
		c.Restrictions = json.RawMessage("null")
	}
	return &c, nil
}

// ConsumerByKey loads a consumer by its key (client_id, JWT aud). The owner
// is named when possible.
func (s *Store) ConsumerByKey(ctx context.Context, key string) (*Consumer, error) {
	return s.consumerWhere(ctx, s.db, "oarc_consumer_key = ?", key)
}

// consumerByID loads a consumer by oarc_id.
func (s *Store) consumerByID(ctx context.Context, id int64) (*Consumer, error) {
	return s.consumerWhere(ctx, s.db, "oarc_id = ?", id)
}

var keyRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-fA-F]{32}$`) })

// LookupConsumer resolves what a user typed: a 32-hex key or a numeric
// oarc_id.
func (s *Store) LookupConsumer(ctx context.Context, ref string) (*Consumer, error) {
	ref = strings.TrimSpace(ref)
	if keyRE().MatchString(ref) {
		return s.ConsumerByKey(ctx, strings.ToLower(ref))
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && id > 0 {
		return s.consumerByID(ctx, id)
	}
	return nil, ErrNotFound
}

func (s *Store) consumerWhere(ctx context.Context, q querier, where string, args ...any) (*Consumer, error) {
	row := q.QueryRowContext(ctx, "SELECT "+consumerSelect+" FROM "+s.T("oauth_registered_consumer")+" WHERE "+where, args...)
	c, err := scanConsumer(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read consumer: %s", oneLine(err))
	}
	if name, err := s.ownerName(ctx, c.OwnerID); err == nil {
		c.OwnerName = name
	}
	return c, nil
}
