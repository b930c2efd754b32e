package cmdutil

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// WriteJSON writes v as indented JSON with a trailing newline. HTML escaping
// is off so URLs and <> in claims print as they are; DEL, C1 controls and
// format characters are written as \u escapes (see escapeJSONControls), so
// the JSON decodes to exactly the same strings and is still safe to print.
func WriteJSON(w io.Writer, v any) error {
	return writeJSON(w, v, "", "  ")
}

// WriteJSONLine writes v as one compact JSON line (NDJSON streams: one
// object per line, as token scan prints).
func WriteJSONLine(w io.Writer, v any) error {
	return writeJSON(w, v, "", "")
}

// WriteJSONIndented writes v as WriteJSON does, with every line after the
// first prefixed by prefix and no trailing newline: an element of a
// document that is written piece by piece (a report streaming its list).
func WriteJSONIndented(w io.Writer, v any, prefix string) error {
	buf := jsonBufs.Get().(*bytes.Buffer)
	defer jsonBufs.Put(buf)
	buf.Reset()
	if err := encodeJSON(buf, v, prefix, "  "); err != nil {
		return err
	}
	_, err := w.Write(escapeJSONControls(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))))
	return err
}

var jsonBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func writeJSON(w io.Writer, v any, prefix, indent string) error {
	buf := jsonBufs.Get().(*bytes.Buffer)
	defer jsonBufs.Put(buf)
	buf.Reset()
	if err := encodeJSON(buf, v, prefix, indent); err != nil {
		return err
	}
	_, err := w.Write(escapeJSONControls(buf.Bytes()))
	return err
}

func encodeJSON(buf *bytes.Buffer, v any, prefix, indent string) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if indent != "" || prefix != "" {
		enc.SetIndent(prefix, indent)
	}
	return enc.Encode(v)
}

// escapeJSONControls rewrites the runes encoding/json leaves raw but a
// terminal acts on, DEL, C1 controls, format characters (bidi overrides,
// zero-width, BOM) and U+2028/2029, as \uXXXX (a surrogate pair beyond the
// BMP). Outside strings JSON is ASCII, so every such rune is inside a
// string, where the escape means the same character.
func escapeJSONControls(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] < 0x7f {
		i++
	}
	if i == len(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	out = append(out, b[:i]...)
	for i < len(b) {
		c := b[i]
		if c < 0x7f {
			out = append(out, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == 0x7f || needsEscape(r) {
			out = appendEscapedRune(out, r)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// appendEscapedRune writes r as \uXXXX, or beyond the BMP as the
// surrogate pair JSON spells it with.
func appendEscapedRune(out []byte, r rune) []byte {
	if r > 0xffff {
		hi, lo := utf16.EncodeRune(r)
		return appendU(appendU(out, hi), lo)
	}
	return appendU(out, r)
}

func appendU(out []byte, r rune) []byte {
	return append(out, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// JSONArray streams a JSON array one element at a time, so a list of any
// length prints in constant memory and the output is the same as
// WriteJSON of the whole slice. Close ends the array ("[]" when empty).
type JSONArray struct {
	w      io.Writer
	n      int
	buf    bytes.Buffer
	prefix string // the indentation of the line the array starts on
}

// NewJSONArray starts an array on w.
func NewJSONArray(w io.Writer) *JSONArray { return &JSONArray{w: w} }

// NewJSONArrayIn starts an array that is the value of a member of an
// object WriteJSON would indent by prefix ("  " for a member of the top
// object): elements are indented one level deeper, and Close ends the
// array without a newline, for the enclosing object to go on.
func NewJSONArrayIn(w io.Writer, prefix string) *JSONArray {
	return &JSONArray{w: w, prefix: prefix}
}

// Add writes one element.
func (a *JSONArray) Add(v any) error {
	a.buf.Reset()
	if err := encodeJSON(&a.buf, v, a.prefix+"  ", "  "); err != nil {
		return err
	}
	if err := a.sep(); err != nil {
		return err
	}
	_, err := a.w.Write(escapeJSONControls(bytes.TrimRight(a.buf.Bytes(), "\n")))
	return err
}

func (a *JSONArray) sep() error {
	sep := ",\n  "
	if a.n == 0 {
		sep = "[\n  "
	}
	a.n++
	if _, err := io.WriteString(a.w, sep); err != nil {
		return err
	}
	_, err := io.WriteString(a.w, a.prefix)
	return err
}

// Close ends the array, with a newline when it is the whole document.
func (a *JSONArray) Close() error {
	end := "\n" + a.prefix + "]"
	if a.n == 0 {
		end = "[]"
	}
	if a.prefix == "" {
		end += "\n"
	}
	_, err := io.WriteString(a.w, end)
	return err
}
