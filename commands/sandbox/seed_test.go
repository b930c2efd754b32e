package sandbox

import "testing"

// The Key constants name the consumers of consumers.json: each is the key
// of the row with the id its comment gives, and ids run 1, 2, ... in order.
func TestConsumerKeys(t *testing.T) {
	cs, err := loadConsumers()
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"", KeyOAuth1, KeyLeaky, KeyOwnerOnly, KeyProposed, KeyRejected, KeyExpired, KeyDisabled, KeySuppressed,
		KeyConfigBased, KeyWebEditor, KeyStale, KeyTypoFixer, KeyMassProtector, KeySiteStyler, KeyWebEditer, KeyClientAdmin,
		KeyStatsExporter, KeyOldDashboard, KeyBlockedBot, KeyExBotOwnerBot, KeyInterfaceTool, KeyMirrorReborn, KeyScraper, KeyUploader}
	if len(cs) != len(keys)-1 {
		t.Fatalf("%d consumers, %d Key constants", len(cs), len(keys)-1)
	}
	for i, c := range cs {
		if c.ID != int64(i+1) || c.Key != keys[c.ID] {
			t.Errorf("consumer %d (row %d): key %s, want %s", c.ID, i, c.Key, keys[i+1])
		}
		if len(c.Grants) == 0 || len(c.OAuth2Grants) == 0 {
			t.Errorf("consumer %d: no grants", c.ID)
		}
	}
}
