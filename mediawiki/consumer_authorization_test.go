package mediawiki

import (
	"strings"
	"testing"
)

func TestCurrentAuthorization(t *testing.T) {
	all := Acceptance{ID: 1, Wiki: "*", ConsumerID: 7, OAuthVersion: 2, Grants: []string{"basic"}}
	en := Acceptance{ID: 2, Wiki: "enwiki", ConsumerID: 7, OAuthVersion: 2, Grants: []string{"basic", "editpage"}}
	meta := Acceptance{ID: 3, Wiki: "metawiki", ConsumerID: 7, OAuthVersion: 2}
	v1 := Acceptance{ID: 4, Wiki: "metawiki", ConsumerID: 7, OAuthVersion: 1}
	other := Acceptance{ID: 5, Wiki: "*", ConsumerID: 8, OAuthVersion: 2}
	everywhere := &Consumer{ID: 7, Wiki: "*", OAuthVersion: 2}
	enOnly := &Consumer{ID: 7, Wiki: "enwiki", OAuthVersion: 2}
	for _, c := range []struct {
		c    *Consumer
		accs []Acceptance
		wiki string
		want int64 // 0: none
	}{
		{everywhere, []Acceptance{all, en, meta}, "metawiki", 3}, // the wiki's own wins
		{everywhere, []Acceptance{all, en}, "metawiki", 1},       // else "*"
		{everywhere, []Acceptance{en}, "metawiki", 0},            // another wiki's is no use
		{enOnly, []Acceptance{all, en, meta}, "metawiki", 2},     // a one-wiki consumer: that wiki's
		{enOnly, []Acceptance{all, meta}, "metawiki", 1},
		{everywhere, []Acceptance{v1, other}, "metawiki", 0}, // another version, another consumer
		{everywhere, nil, "metawiki", 0},
	} {
		got := CurrentAuthorization(c.c, c.accs, c.wiki)
		if (got == nil) != (c.want == 0) || got != nil && got.ID != c.want {
			t.Errorf("%+v on %s: %+v, want %d", c.c, c.wiki, got, c.want)
		}
	}
	if got := strings.Join(UngrantedScopes(&en, []string{"basic", "editpage", "highvolume", "createeditmovepage"}), ","); got != "highvolume,createeditmovepage" {
		t.Errorf("ungranted %s", got)
	}
	if got := UngrantedScopes(&all, []string{"basic"}); got != nil {
		t.Errorf("ungranted %v", got)
	}
}
