package cmdutil

import (
	"bytes"
	"encoding/json"
	"io"
)

// WriteJSON writes v as indented JSON with a trailing newline. HTML escaping
// is off so URLs and <> in claims print as they are.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WriteJSONLine writes v as one compact JSON line (NDJSON streams: one
// object per line, as token scan prints).
func WriteJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// JSONArray streams a JSON array one element at a time, so a list of any
// length prints in constant memory and the output is the same as
// WriteJSON of the whole slice. Close ends the array ("[]" when empty).
type JSONArray struct {
	w   io.Writer
	n   int
	buf bytes.Buffer
}

// NewJSONArray starts an array on w.
func NewJSONArray(w io.Writer) *JSONArray { return &JSONArray{w: w} }

// Add writes one element.
func (a *JSONArray) Add(v any) error {
	a.buf.Reset()
	enc := json.NewEncoder(&a.buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	sep := ",\n  "
	if a.n == 0 {
		sep = "[\n  "
	}
	a.n++
	if _, err := io.WriteString(a.w, sep); err != nil {
		return err
	}
	_, err := a.w.Write(bytes.TrimRight(a.buf.Bytes(), "\n"))
	return err
}

// Close ends the array with a newline.
func (a *JSONArray) Close() error {
	end := "\n]\n"
	if a.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(a.w, end)
	return err
}
