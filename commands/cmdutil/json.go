package cmdutil

import (
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

// WriteJSONLine writes v as one compact JSON line (streams, JSON Lines).
func WriteJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
