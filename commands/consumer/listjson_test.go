package consumer

import (
	"bytes"
	"testing"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// TestAppendItemMatchesAdd: the hand-written list item is byte for byte
// what cmdutil.JSONArray.Add writes for the same struct, hostile strings
// included.
func TestAppendItemMatchesAdd(t *testing.T) {
	var want, got bytes.Buffer
	wa, ga := cmdutil.NewJSONArrayIn(&want, "  "), cmdutil.NewJSONArrayIn(&got, "  ")
	for i, s := range []string{"", "plain", `q"uote\back`, "tab\tnl\ncr\r\x00\x7f", "<a&b>", "\xff\xfe bad \xc3",
		"ü € 😀", "\u2028\u2029", "\u202e bidi \u200b", "\x1b[2J\x1b]0;title\a"} {
		it := listItem{ID: int64(i), Key: s, Name: s + "n", Version: s, Owner: s, OwnerID: -int64(i), Stage: "approved",
			OAuthVersion: 2, OwnerOnly: i%2 == 0, Registered: s, Suppressed: i%3 == 0, AutoExpired: i%4 == 0}
		if err := wa.Add(it); err != nil {
			t.Fatal(err)
		}
		if err := ga.AddEncoded(appendItem(nil, &it)); err != nil {
			t.Fatal(err)
		}
	}
	wa.Close()
	ga.Close()
	if got.String() != want.String() {
		t.Errorf("appendItem:\n%s\nJSONArray.Add:\n%s", got.String(), want.String())
	}
}
