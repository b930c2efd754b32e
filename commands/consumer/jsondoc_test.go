package consumer

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
)

// jsonNames lists the JSON member names of t and of the structs it nests,
// embedded ones flattened as encoding/json does.
func jsonNames(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t.PkgPath() == "encoding/json" {
		return nil
	}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		fl := t.Field(i)
		if fl.Anonymous {
			names = append(names, jsonNames(fl.Type)...)
			continue
		}
		name, _, _ := strings.Cut(fl.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		names = append(names, name)
		names = append(names, jsonNames(fl.Type)...)
	}
	return names
}

// TestJSONFieldsDocumented: every field "consumer list", "show", "review"
// and "audit" print in JSON is snake_case and named in the command's Long help, so the
// documented schema cannot drift from the real one.
func TestJSONFieldsDocumented(t *testing.T) {
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios)
	for _, tc := range []struct {
		long string
		typ  reflect.Type
	}{
		{newCmdList(f, nil).Long, reflect.TypeOf(listItem{})},
		{newCmdShow(f, nil).Long, reflect.TypeOf(showView{})},
		{newCmdReview(f, nil).Long, reflect.TypeOf(reviewItem{})},
		{newCmdAudit(f, nil).Long, reflect.TypeOf(auditReport{})},
	} {
		names := jsonNames(tc.typ)
		if len(names) < 5 {
			t.Fatalf("%v: only %d JSON fields found", tc.typ, len(names))
		}
		for _, n := range names {
			if !snake.MatchString(n) {
				t.Errorf("%v: JSON field %q is not snake_case", tc.typ, n)
			}
			if !regexp.MustCompile(`\b` + n + `\b`).MatchString(tc.long) {
				t.Errorf("%v: JSON field %q is not named in the Long help", tc.typ, n)
			}
		}
	}
	// The nested db types keep their names too.
	if got := jsonNames(reflect.TypeOf(db.TokenSummary{})); strings.Join(got, ",") != "live,revoked,expired,latest_live_expiry" {
		t.Errorf("access_tokens fields = %v", got)
	}
}

// topNames lists t's JSON member names, embedded structs flattened, as
// the struct declares them.
func topNames(t reflect.Type) []string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		fl := t.Field(i)
		if fl.Anonymous {
			names = append(names, topNames(fl.Type)...)
			continue
		}
		if name, _, _ := strings.Cut(fl.Tag.Get("json"), ","); name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

// TestEmbeddedViewsKeepEveryField: the shared views (listItem, judgedItem,
// callbackView, oauth2View) that show, review and audit embed put each of
// their members where they are embedded, and no name clash makes
// encoding/json drop one.
func TestEmbeddedViewsKeepEveryField(t *testing.T) {
	for _, v := range []any{showView{}, reviewItem{}, auditItem{}} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		dec := json.NewDecoder(bytes.NewReader(b))
		if _, err := dec.Token(); err != nil { // {
			t.Fatal(err)
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, tok.(string))
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				t.Fatal(err)
			}
		}
		if want := topNames(reflect.TypeOf(v)); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%T members = %v, want %v", v, got, want)
		}
	}
	if b, _ := json.Marshal(oauth2Of(&db.Consumer{})); !strings.Contains(string(b), `"oauth2_allowed_grants":[]`) {
		t.Errorf("oauth2Of without grants = %s, want []", b)
	}
}
