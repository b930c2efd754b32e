package probe

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// HeaderField is one header line as written, name case kept.
type HeaderField struct {
	Name, Value string
}

// Head is an HTTP message's first line and header lines, in order.
type Head struct {
	Line   string // "GET /api.php?… HTTP/1.1" or "HTTP/1.1 200 OK"
	Fields []HeaderField
}

// Get returns the first value of a header, case-insensitively.
func (h *Head) Get(name string) string {
	for _, f := range h.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Recording is one request and the answer it got, in the format of
// ../shared/fixtures/real-mediawiki-1.43/responses/*.http: comment lines
// starting with #, then "# ---- request ----", the request as sent, then
// "# ---- response ----" and the response byte for byte.
type Recording struct {
	Comment     string
	Request     Head
	RequestBody []byte
	Response    Head
	Body        []byte // the response body, every byte after the blank line
}

// ErrNotRecording says the input lacks the request/response markers.
var ErrNotRecording = errors.New("not a recording: no \"# ---- response ----\" line")

const (
	requestMarker  = "# ---- request ----"
	responseMarker = "# ---- response ----"
)

// ParseRecording reads a .http recording. It never panics and allocates in
// proportion to its input.
func ParseRecording(b []byte) (*Recording, error) {
	rec := &Recording{}
	reqAt, respAt := markerLine(b, requestMarker), markerLine(b, responseMarker)
	if respAt < 0 {
		return nil, ErrNotRecording
	}
	start := 0
	if reqAt >= 0 && reqAt < respAt {
		rec.Comment = comments(b[:reqAt])
		head, body, err := parseHead(b[afterLine(b, reqAt):respAt], nil)
		if err != nil {
			return nil, fmt.Errorf("request: %w", err)
		}
		rec.Request, rec.RequestBody = head, bytes.Trim(body, "\r\n")
		start = respAt
	} else {
		rec.Comment = comments(b[:respAt])
		start = respAt
	}
	head, body, err := parseHead(b[afterLine(b, start):], checkStatusLine)
	if err != nil {
		return nil, fmt.Errorf("response: %w", err)
	}
	rec.Response, rec.Body = head, body
	return rec, nil
}

// ParseResponse reads a raw HTTP/1.x response (status line, header lines,
// blank line, body), as curl -i prints one or a recording holds it.
func ParseResponse(b []byte) (*Response, error) {
	head, body, err := parseHead(b, checkStatusLine)
	if err != nil {
		return nil, err
	}
	return head.response(body)
}

// Answer is the recording's response as a Response for Classify.
func (r *Recording) Answer() (*Response, error) { return r.Response.response(r.Body) }

// Wire is the recorded response as a server sends it: the status and header
// lines ended by CRLF (the recording keeps whatever line ends the file has),
// a blank line, then the body exactly as recorded.
func (r *Recording) Wire() []byte {
	var out bytes.Buffer
	out.WriteString(r.Response.Line + "\r\n")
	for _, f := range r.Response.Fields {
		out.WriteString(f.Name + ": " + f.Value + "\r\n")
	}
	out.WriteString("\r\n")
	out.Write(r.Body)
	return out.Bytes()
}

func (h Head) response(body []byte) (*Response, error) {
	proto, status, err := parseStatusLine(h.Line)
	if err != nil {
		return nil, err
	}
	hdr := http.Header{}
	for _, f := range h.Fields {
		hdr.Add(textproto.CanonicalMIMEHeaderKey(f.Name), f.Value)
	}
	resp := &Response{Proto: proto, Status: status, Header: hdr, Body: body}
	if len(body) > MaxBody {
		resp.Body, resp.Truncated = body[:MaxBody], true
	}
	return resp, nil
}

// Errors never quote the input: a file given by mistake may be a key.
var errStatusLine = errors.New(`the first line is not an HTTP status line such as "HTTP/1.1 200 OK"`)

func parseStatusLine(line string) (proto string, status int, err error) {
	proto, rest, ok := strings.Cut(line, " ")
	if !ok || !strings.HasPrefix(proto, "HTTP/") {
		return "", 0, errStatusLine
	}
	code, _, _ := strings.Cut(rest, " ")
	n, err := strconv.Atoi(code)
	if err != nil || len(code) != 3 || n < 100 {
		return "", 0, errStatusLine
	}
	return proto, n, nil
}

func checkStatusLine(line string) error {
	_, _, err := parseStatusLine(line)
	return err
}

// parseHead splits b into its first line (checked by first, when given),
// header fields and the bytes after the blank line. Lines end in LF or
// CRLF; a line starting with a space or tab continues the previous field
// (obsolete folding).
func parseHead(b []byte, first func(string) error) (Head, []byte, error) {
	var h Head
	// Leading blank lines (between a marker and the message) are skipped.
	for len(b) > 0 && (b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	n := 0
	for {
		if len(b) == 0 {
			if n == 0 {
				return h, nil, errors.New("empty message")
			}
			return h, nil, nil
		}
		line, rest := nextLine(b)
		b = rest
		n++
		if n == 1 {
			if line == "" {
				return h, nil, errors.New("empty first line")
			}
			if first != nil {
				if err := first(line); err != nil {
					return h, nil, err
				}
			}
			h.Line = line
			continue
		}
		if line == "" {
			return h, b, nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(h.Fields) == 0 {
				return h, nil, fmt.Errorf("line %d continues a header that is not there", n)
			}
			h.Fields[len(h.Fields)-1].Value += " " + strings.TrimSpace(line)
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return h, nil, fmt.Errorf("line %d is not a header line (Name: value)", n)
		}
		h.Fields = append(h.Fields, HeaderField{Name: name, Value: strings.TrimSpace(value)})
	}
}

func nextLine(b []byte) (string, []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return strings.TrimSuffix(string(b), "\r"), nil
	}
	return strings.TrimSuffix(string(b[:i]), "\r"), b[i+1:]
}

// markerLine is the offset of the line that is exactly marker, or -1.
func markerLine(b []byte, marker string) int {
	off := 0
	for off <= len(b) {
		line, rest := nextLine(b[off:])
		if line == marker {
			return off
		}
		if rest == nil {
			return -1
		}
		off = len(b) - len(rest)
	}
	return -1
}

func afterLine(b []byte, off int) int {
	_, rest := nextLine(b[off:])
	if rest == nil {
		return len(b)
	}
	return len(b) - len(rest)
}

func comments(b []byte) string {
	var out []string
	for len(b) > 0 {
		line, rest := nextLine(b)
		b = rest
		if c, ok := strings.CutPrefix(line, "#"); ok {
			out = append(out, strings.TrimSpace(c))
		}
	}
	return strings.Join(out, "\n")
}
