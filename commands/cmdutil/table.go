package cmdutil

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Table is the one table renderer. On a terminal, or when asked for by
// --output table, it prints an aligned table with a header; widths are
// measured with lipgloss.Width (wide and combining characters count as
// they print). On a terminal a row is made to fit the terminal's width:
// the widest text columns are cut with an ellipsis, and when that is not
// enough the optional columns are hidden, the most dispensable first.
// Piped, nothing is ever cut or hidden; with TSV set it prints
// tab-separated rows without a header, for scripts.
//
// Every cell goes through Safe: table text comes from databases and logs.
// Styles are applied after padding, so escape codes never break columns.
type Table struct {
	ios      *IOStreams
	header   []string
	rows     [][]Cell
	right    map[int]bool
	noCut    map[int]bool
	shrink   map[int]bool // when set, only these columns are cut
	optional []int        // hidden to fit, first listed first
	hidden   map[int]bool
	tsv      bool
	stream   io.Writer
	err      error
	minCell  int
}

// Cell is one table cell: its text and an optional style.
type Cell struct {
	Text  string
	Style *Style
}

// C is a plain cell.
func C(text string) Cell { return Cell{Text: text} }

// S is a styled cell.
func S(text string, st Style) Cell { return Cell{Text: text, Style: &st} }

// NewTable starts a table with a header row.
func NewTable(ios *IOStreams, header ...string) *Table {
	return &Table{ios: ios, header: header, right: map[int]bool{}, noCut: map[int]bool{}, shrink: map[int]bool{}, hidden: map[int]bool{}, minCell: 8}
}

// RightAlign right-aligns columns (numbers).
func (t *Table) RightAlign(cols ...int) *Table {
	for _, c := range cols {
		t.right[c] = true
	}
	return t
}

// KeepWhole marks columns that are never cut to fit (keys, ids: a cut
// key cannot be pasted into the next command). Right-aligned columns are
// never cut either.
func (t *Table) KeepWhole(cols ...int) *Table {
	for _, c := range cols {
		t.noCut[c] = true
	}
	return t
}

// Shrink names the columns that may be cut to fit a terminal (free text:
// names, owners). Without it every text column may be cut.
func (t *Table) Shrink(cols ...int) *Table {
	for _, c := range cols {
		t.shrink[c] = true
	}
	return t
}

// Optional names columns that may be hidden on a terminal too narrow for
// the row even with the text cut, the most dispensable first. Piped (and
// with --output table) every column is shown.
func (t *Table) Optional(cols ...int) *Table {
	t.optional = append(t.optional, cols...)
	return t
}

// TSV prints tab-separated rows without a header (the piped form of a
// list) when on is true.
func (t *Table) TSV(on bool) *Table {
	t.tsv = on
	return t
}

// StreamTSV makes a TSV table write each row to w as it is added, so a
// list of any length prints in constant memory; Render then only reports
// the first write error.
func (t *Table) StreamTSV(w io.Writer) *Table {
	t.stream = w
	return t
}

// AddRow adds a row of cells.
func (t *Table) AddRow(cells ...Cell) {
	row := make([]Cell, len(cells))
	for i, c := range cells {
		c.Text = Safe(c.Text)
		row[i] = c
	}
	if t.tsv && t.stream != nil {
		if t.err == nil {
			t.err = t.writeTSVRow(t.stream, row)
		}
		return
	}
	t.rows = append(t.rows, row)
}

// Row adds a row of plain cells.
func (t *Table) Row(texts ...string) {
	cells := make([]Cell, len(texts))
	for i, s := range texts {
		cells[i] = C(s)
	}
	t.AddRow(cells...)
}

// Len is the number of rows added.
func (t *Table) Len() int { return len(t.rows) }

// Render writes the table to w.
func (t *Table) Render(w io.Writer) error {
	if t.tsv {
		return t.renderTSV(w)
	}
	ncol := len(t.header)
	for _, r := range t.rows {
		ncol = max(ncol, len(r))
	}
	widths := make([]int, ncol)
	for i, h := range t.header {
		widths[i] = lipgloss.Width(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			widths[i] = max(widths[i], lipgloss.Width(c.Text))
		}
	}
	if t.ios.IsStdoutTTY() {
		widths = t.fit(widths, t.ios.TerminalWidth())
	}
	st := t.ios.Styles()
	var b strings.Builder
	line := func(cells []Cell, header bool) error {
		b.Reset()
		last := ncol - 1
		for last > 0 && t.hidden[last] {
			last--
		}
		first := true
		for i := 0; i < ncol; i++ {
			if t.hidden[i] {
				continue
			}
			c := Cell{}
			if i < len(cells) {
				c = cells[i]
			}
			if !first {
				b.WriteString("  ")
			}
			first = false
			text := cut(c.Text, widths[i])
			gap := strings.Repeat(" ", widths[i]-lipgloss.Width(text))
			if i == last && !t.right[i] {
				gap = "" // no trailing blanks
			}
			switch {
			case header:
				text = st.Bold.Render(text)
			case c.Style != nil:
				text = c.Style.Render(text)
			}
			if t.right[i] {
				b.WriteString(gap + text)
			} else {
				b.WriteString(text + gap)
			}
		}
		_, err := fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		return err
	}
	if len(t.header) > 0 {
		hdr := make([]Cell, len(t.header))
		for i, h := range t.header {
			hdr[i] = C(h)
		}
		if err := line(hdr, true); err != nil {
			return err
		}
	}
	for _, r := range t.rows {
		if err := line(r, false); err != nil {
			return err
		}
	}
	return nil
}

func (t *Table) renderTSV(w io.Writer) error {
	if t.err != nil {
		return t.err
	}
	for _, r := range t.rows {
		if err := t.writeTSVRow(w, r); err != nil {
			return err
		}
	}
	return nil
}

func (t *Table) writeTSVRow(w io.Writer, r []Cell) error {
	var b strings.Builder
	for i, c := range r {
		if i > 0 {
			b.WriteByte('\t')
		}
		// Safe already shows tabs and newlines as \x09, \x0a: one row
		// stays one line, one cell one column.
		text := c.Text
		if c.Style != nil {
			text = c.Style.Render(text)
		}
		b.WriteString(text)
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// fit returns the column widths that make a row fit termWidth (0:
// unknown, nothing changes): the widest cuttable columns are narrowed one
// character at a time down to minCell; when that is not enough, the next
// optional column is hidden and the cutting starts again from the natural
// widths. A row that cannot fit is left as wide as it must be.
func (t *Table) fit(natural []int, termWidth int) []int {
	if termWidth <= 0 {
		return natural
	}
	for hide := 0; ; hide++ {
		widths := append([]int(nil), natural...)
		for i := range t.hidden {
			delete(t.hidden, i)
		}
		for _, c := range t.optional[:min(hide, len(t.optional))] {
			t.hidden[c] = true
		}
		total := func() int {
			n, shown := 0, 0
			for i, w := range widths {
				if !t.hidden[i] {
					n += w
					shown++
				}
			}
			return n + 2*max(shown-1, 0)
		}
		for total() > termWidth {
			widest := -1
			for i, w := range widths {
				if t.hidden[i] || !t.cuttable(i) || w <= t.minCell {
					continue
				}
				if widest < 0 || w > widths[widest] {
					widest = i
				}
			}
			if widest < 0 {
				break
			}
			widths[widest]--
		}
		if total() <= termWidth || hide >= len(t.optional) {
			return widths
		}
	}
}

func (t *Table) cuttable(i int) bool {
	if t.right[i] || t.noCut[i] {
		return false
	}
	return len(t.shrink) == 0 || t.shrink[i]
}

// cut shortens s to width w, ending in an ellipsis when it was cut.
func cut(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	if w <= 1 {
		return "…"
	}
	var b strings.Builder
	for _, r := range s {
		if lipgloss.Width(b.String()+string(r))+1 > w {
			break
		}
		b.WriteRune(r)
	}
	return b.String() + "…"
}
