package cmdutil

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

func renderTable(t *testing.T, tty bool, width int, build func(*Table)) string {
	t.Helper()
	ios, _, out, _ := Test()
	ios.SetTTY(false, tty, false)
	ios.SetTerminalWidth(width)
	tb := NewTable(ios, "ID", "KEY", "NAME", "OWNER", "USES")
	tb.RightAlign(4).KeepWhole(0, 1).Optional(3)
	build(tb)
	if err := tb.Render(out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func sampleRows(tb *Table) {
	tb.Row("1", "5096568cc6652b5ad36358427f1bd60c", "E2E Client Credentials App with a long name", "Dev User", "1,204")
	tb.Row("12", "3c9e1d7a5f2b4086c1e3a5b7d9f0e2c4", "漢字のアプリ", "Ünïcødé Üser", "7")
}

func TestTableAligned(t *testing.T) {
	got := renderTable(t, false, 0, sampleRows)
	want := "" +
		"ID  KEY                               NAME                                         OWNER          USES\n" +
		"1   5096568cc6652b5ad36358427f1bd60c  E2E Client Credentials App with a long name  Dev User      1,204\n" +
		"12  3c9e1d7a5f2b4086c1e3a5b7d9f0e2c4  漢字のアプリ                                 Ünïcødé Üser      7\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestTableFitsTerminal(t *testing.T) {
	for _, width := range []int{80, 72, 60} {
		got := renderTable(t, true, width, sampleRows)
		for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
			if w := lipgloss.Width(line); w > width {
				t.Errorf("width %d: line is %d wide: %q", width, w, line)
			}
			if !strings.Contains(line, "ID") && !strings.Contains(line, "5096568cc6652b5ad36358427f1bd60c") && !strings.Contains(line, "3c9e1d7a5f2b4086c1e3a5b7d9f0e2c4") {
				t.Errorf("width %d: a key was cut: %q", width, line)
			}
		}
		if !strings.Contains(got, "…") {
			t.Errorf("width %d: nothing cut:\n%s", width, got)
		}
		// OWNER is optional: hidden only when cutting is not enough.
		if hidden := !strings.Contains(got, "OWNER"); hidden != (width == 60) {
			t.Errorf("width %d: OWNER hidden %v:\n%s", width, hidden, got)
		}
	}
	// Piped, nothing is ever cut.
	if got := renderTable(t, false, 40, sampleRows); strings.Contains(got, "…") {
		t.Errorf("piped output was cut:\n%s", got)
	}
}

func TestTableTSVAndSafe(t *testing.T) {
	got := renderTable(t, false, 0, func(tb *Table) {
		tb.TSV(true)
		tb.Row("7", "k", "evil\x1b]0;pwned\a\tname\nnext", "\u202eowner", "1")
	})
	want := "7\tk\tevil\\x1b]0;pwned\\x07\\x09name\\x0anext\t\\u202eowner\t1\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTableStyledAfterPadding(t *testing.T) {
	ios, _, out, _ := Test()
	ios.ColorMode = "always"
	st := ios.Styles()
	tb := NewTable(ios, "STAGE", "NAME")
	tb.AddRow(S("approved", st.Stage(1)), C("a"))
	tb.AddRow(S("disabled", st.Stage(4)), C("b"))
	if err := tb.Render(out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "\x1b[") {
		t.Fatal("--color always: no colour")
	}
	var plain bytes.Buffer
	for _, line := range strings.Split(out.String(), "\n") {
		plain.WriteString(stripANSI(line) + "\n")
	}
	if want := "STAGE     NAME\napproved  a\ndisabled  b\n\n"; plain.String() != want {
		t.Errorf("columns moved by colour:\n%q\nwant\n%q", plain.String(), want)
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestJSONArray(t *testing.T) {
	var got, want bytes.Buffer
	items := []map[string]string{{"a": "<&>"}, {"b": "x"}}
	arr := NewJSONArray(&got)
	for _, it := range items {
		if err := arr.Add(it); err != nil {
			t.Fatal(err)
		}
	}
	if err := arr.Close(); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&want, items); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("stream:\n%s\nWriteJSON:\n%s", got.String(), want.String())
	}
	var empty bytes.Buffer
	e := NewJSONArray(&empty)
	if err := e.Close(); err != nil || empty.String() != "[]\n" {
		t.Errorf("empty array: %q", empty.String())
	}
}

// TestJSONArrayIn: an array streamed as a member of an object, between
// hand-written members, is what WriteJSON writes for the whole object,
// empty or not.
func TestJSONArrayIn(t *testing.T) {
	type doc struct {
		Items []map[string]string `json:"items"`
		Next  *int                `json:"next"`
	}
	for _, items := range [][]map[string]string{{{"a": "<&>\u202e"}, {"b": "x", "c": "y"}}, {}} {
		var got, want bytes.Buffer
		got.WriteString("{\n  \"items\": ")
		arr := NewJSONArrayIn(&got, "  ")
		for _, it := range items {
			if err := arr.Add(it); err != nil {
				t.Fatal(err)
			}
		}
		if err := arr.Close(); err != nil {
			t.Fatal(err)
		}
		got.WriteString(",\n  \"next\": null\n}\n")
		if err := WriteJSON(&want, doc{Items: items}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("stream:\n%s\nWriteJSON:\n%s", got.String(), want.String())
		}
	}
}

// JSON output keeps every string exactly (it decodes to the input) and
// still carries no raw control, bidi or format character.
func TestJSONEscapesTerminalControls(t *testing.T) {
	in := "evil\x1b[2J\x07\u0085\u202e\u2066\ufeff\u2028\U000E0041\x7f<&>é漢"
	var out bytes.Buffer
	if err := WriteJSONLine(&out, map[string]string{in: in}); err != nil {
		t.Fatal(err)
	}
	for _, r := range out.String() {
		if r != '\n' && needsEscape(r) {
			t.Fatalf("raw %U in %q", r, out.String())
		}
	}
	var back map[string]string
	if err := json.Unmarshal(out.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back[in] != in {
		t.Errorf("round trip: %q", back)
	}
	if !strings.Contains(out.String(), `<&>é漢`) {
		t.Errorf("printable text escaped: %s", out.String())
	}
}
