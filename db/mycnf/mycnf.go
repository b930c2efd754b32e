// Package mycnf reads MySQL and MariaDB option files (~/.my.cnf) the way the
// mariadb command-line client does (mysys/my_default.c), so that the user,
// password, host, port and socket a DBA keeps there work for mwoauth too:
//
//   - lines are read in chunks of at most 4094 bytes, as fgets into the
//     client's 4096-byte buffer reads them; a NUL byte ends a line;
//   - leading and trailing blanks are space, \t, \n, \v, \f, \r and the
//     Latin-1 no-break space (0xA0);
//   - a line starting with # or ; is a comment; on an option line, # starts
//     a comment unless it is inside quotes (a backslash escapes a quote
//     only inside quotes);
//   - [group] starts a group; the name keeps its leading blanks, loses its
//     trailing ones, and matches case-insensitively; what follows ] is
//     ignored; an option before any group is an error;
//   - name=value: the name and the value are trimmed; one pair of matching
//     quotes around the value is removed; then \n \t \r \b \s (space) \" \'
//     and \\ are unescaped, any other backslash is kept; name alone is an
//     option without a value; "=value" has the empty name (after leading
//     blanks the client's own reader reads outside its buffer there);
//   - !include FILE and !includedir DIR (files ending in .cnf, in name
//     order) are followed ten levels deep. Like the client, the directive's
//     last character is taken for the newline and dropped even when the
//     file ends without one; a missing included file is skipped, a missing
//     directory is an error; an error inside an included file ends that
//     file and is reported as a warning, the including file goes on; other
//     ! directives are ignored;
//   - a world-writable file is ignored, with a warning; so is one that
//     cannot be read (the client skips it silently).
//
// Options of every group asked for are returned in file order: the client
// lets a later one win, whichever of its groups it is in.
package mycnf

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ClientGroups are the groups the mariadb client (client/mysql.cc) reads.
var ClientGroups = []string{"mysql", "mariadb-client", "client", "client-server", "client-mariadb"}

// Option is one name[=value] line of a group that was asked for.
type Option struct {
	Group    string // as written in the file
	Name     string // as written (see Key)
	Value    string // unquoted and unescaped; "" without a value
	HasValue bool
	File     string
	Line     int
}

// Key is the option's name as the client's option parser looks it up: _
// and - are the same, and a loose- prefix only says "ignore if unknown".
func (o Option) Key() string {
	return strings.TrimPrefix(strings.ReplaceAll(o.Name, "_", "-"), "loose-")
}

// String is the option as my_print_defaults prints it: --name[=value].
func (o Option) String() string {
	if !o.HasValue {
		return "--" + o.Name
	}
	return "--" + o.Name + "=" + o.Value
}

// Result is what reading an option file gave.
type Result struct {
	Options  []Option // in the order the client applies them
	Warnings []string // ignored files and errors inside included files
	Files    []string // the files read, the top one first
}

// Last returns the last option whose Key is key: the one the client uses.
func (r *Result) Last(key string) (Option, bool) {
	for i := len(r.Options) - 1; i >= 0; i-- {
		if r.Options[i].Key() == key {
			return r.Options[i], true
		}
	}
	return Option{}, false
}

// Error is a line of an option file the client refuses (it aborts with
// "Fatal error in defaults handling").
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s line %d: %s", e.File, e.Line, e.Msg)
}

const (
	maxDepth = 10       // the client's max_recursion_level
	maxChunk = 4094     // fgets(buff, sizeof(buff)-1) into char buff[4096]
	maxTotal = 16 << 20 // bytes read over all files: memory stays bounded
)

// Read reads the option file at path and what it includes, keeping the
// options of groups (case-insensitive). A path that does not exist gives an
// empty Result, as the client skips a missing ~/.my.cnf.
func Read(path string, groups ...string) (*Result, error) {
	rd := &reader{groups: map[string]bool{}, res: &Result{}}
	for _, g := range groups {
		rd.groups[strings.ToLower(g)] = true
	}
	if err := rd.file(path, 0); err != nil {
		return rd.res, err
	}
	return rd.res, nil
}

type reader struct {
	groups map[string]bool
	res    *Result
	total  int
}

// file reads one file at depth (0 for the top one): its errors are the
// caller's at depth 0 and warnings below.
func (rd *reader) file(path string, depth int) error {
	// A file the client cannot stat or open is skipped, silently when it
	// does not exist; here, other failures are worth a warning.
	st, err := os.Stat(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			rd.res.Warnings = append(rd.res.Warnings, fmt.Sprintf("%s skipped: %v", path, err))
		}
		return nil
	}
	if st.Mode().IsRegular() && st.Mode().Perm()&0o002 != 0 {
		rd.res.Warnings = append(rd.res.Warnings, fmt.Sprintf("%s is world-writable and ignored, as the mysql client ignores it", path))
		return nil
	}
	fh, err := os.Open(path)
	if err != nil {
		rd.res.Warnings = append(rd.res.Warnings, fmt.Sprintf("%s skipped: %v", path, err))
		return nil
	}
	defer fh.Close()
	rd.res.Files = append(rd.res.Files, path)
	err = parse(io.LimitReader(fh, int64(maxTotal-rd.total)+1), path, func(ev event) error {
		switch ev.kind {
		case evOption:
			if rd.groups[strings.ToLower(ev.opt.Group)] {
				rd.res.Options = append(rd.res.Options, ev.opt)
			}
		case evInclude, evIncludeDir:
			if depth+1 > maxDepth {
				rd.res.Warnings = append(rd.res.Warnings, fmt.Sprintf("%s line %d: include nested more than %d deep, skipped", path, ev.opt.Line, maxDepth))
				return nil
			}
			if ev.kind == evInclude {
				return rd.file(expandHome(ev.text), depth+1) // fn_format unpacks ~/
			}
			target := ev.text // my_dir opens it as written
			entries, err := os.ReadDir(target)
			if err != nil {
				return &Error{File: path, Line: ev.opt.Line, Msg: fmt.Sprintf("!includedir %s: %v", target, err)}
			}
			names := make([]string, 0, len(entries))
			for _, e := range entries {
				if filepath.Ext(e.Name()) == ".cnf" {
					names = append(names, e.Name())
				}
			}
			sort.Strings(names)
			for _, n := range names {
				if err := rd.file(filepath.Join(target, n), depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}, &rd.total)
	return rd.fail(depth, err)
}

// fail: an error ends the top file (and the read); inside an included file
// it ends that file only, as the client ignores what the included file's
// reader returns.
func (rd *reader) fail(depth int, err error) error {
	if err == nil {
		return nil
	}
	var big *tooBig
	if depth == 0 || errors.As(err, &big) {
		return err
	}
	rd.res.Warnings = append(rd.res.Warnings, err.Error())
	return nil
}

type tooBig struct{ file string }

func (e *tooBig) Error() string {
	return fmt.Sprintf("%s: option files over %d MiB in all", e.file, maxTotal>>20)
}

func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

type eventKind int

const (
	evOption eventKind = iota
	evInclude
	evIncludeDir
)

type event struct {
	kind eventKind
	text string // the !include file or !includedir directory
	opt  Option // for options; Line also for directives
}

// isSpace is my_isspace for the latin1 character set.
func isSpace(c byte) bool {
	return c == ' ' || c >= '\t' && c <= '\r' || c == 0xa0
}

func trimRight(b []byte) []byte {
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// parse reads one file's text and emits its options (every group's) and
// directives. total counts the bytes read against maxTotal.
func parse(r io.Reader, file string, emit func(event) error, total *int) error {
	br := bufio.NewReaderSize(r, maxChunk+2)
	group, inGroup := "", false
	chunk := make([]byte, 0, maxChunk)
	for line := 1; ; line++ {
		var err error
		chunk, err = readChunk(br, chunk[:0])
		if len(chunk) == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return &Error{File: file, Line: line, Msg: err.Error()}
		}
		if *total += len(chunk); *total > maxTotal {
			return &tooBig{file: file}
		}
		if i := bytes.IndexByte(chunk, 0); i >= 0 {
			chunk = chunk[:i] // C string: the line ends at a NUL
		}
		s := chunk
		for len(s) > 0 && isSpace(s[0]) {
			s = s[1:]
		}
		if len(s) == 0 || s[0] == '#' || s[0] == ';' {
			continue
		}
		switch s[0] {
		case '!':
			d := s[1:]
			for len(d) > 0 && isSpace(d[0]) {
				d = d[1:]
			}
			kind, arg, ok := directive(d)
			if !ok {
				continue // not one the client knows: ignored
			}
			if arg == "" {
				return &Error{File: file, Line: line, Msg: "!include or !includedir without a file"}
			}
			if err := emit(event{kind: kind, text: arg, opt: Option{File: file, Line: line}}); err != nil {
				return err
			}
			continue
		case '[':
			end := bytes.IndexByte(s[1:], ']')
			if end < 0 {
				return &Error{File: file, Line: line, Msg: "group header without ]"}
			}
			group, inGroup = string(trimRight(s[1:1+end])), true
			continue
		}
		if !inGroup {
			return &Error{File: file, Line: line, Msg: "option before any [group]"}
		}
		s = s[:commentStart(s)]
		o := Option{Group: group, File: file, Line: line}
		if eq := bytes.IndexByte(s, '='); eq < 0 {
			o.Name = string(trimRight(s))
		} else {
			o.Name, o.HasValue = string(trimRight(s[:eq])), true
			v := s[eq+1:]
			for len(v) > 0 && isSpace(v[0]) {
				v = v[1:]
			}
			v = trimRight(v)
			if len(v) > 1 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
				v = v[1 : len(v)-1]
			}
			o.Value = unescape(v)
		}
		if err := emit(event{kind: evOption, opt: o}); err != nil {
			return err
		}
	}
}

// readChunk reads what one fgets call reads: up to and including a
// newline, at most maxChunk bytes.
func readChunk(br *bufio.Reader, dst []byte) ([]byte, error) {
	for len(dst) < maxChunk {
		c, err := br.ReadByte()
		if err != nil {
			return dst, err
		}
		dst = append(dst, c)
		if c == '\n' {
			break
		}
	}
	return dst, nil
}

// directive recognises "include FILE" and "includedir DIR" (after the !
// and its blanks). The argument loses its last character, which the client
// assumes is the newline, then its trailing blanks.
func directive(d []byte) (eventKind, string, bool) {
	var kind eventKind
	var rest []byte
	switch {
	case len(d) > len("includedir") && bytes.HasPrefix(d, []byte("includedir")) && isSpace(d[len("includedir")]):
		kind, rest = evIncludeDir, d[len("includedir"):]
	case len(d) > len("include") && bytes.HasPrefix(d, []byte("include")) && isSpace(d[len("include")]):
		kind, rest = evInclude, d[len("include"):]
	default:
		return 0, "", false
	}
	for len(rest) > 0 && isSpace(rest[0]) {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return kind, "", true
	}
	return kind, string(trimRight(rest[:len(rest)-1])), true
}

// commentStart is where a # outside quotes starts a comment (len(s) when
// there is none).
func commentStart(s []byte) int {
	var quote byte
	escape := false
	for i, c := range s {
		if (c == '\'' || c == '"') && !escape {
			if quote == 0 {
				quote = c
			} else if quote == c {
				quote = 0
			}
		}
		if quote == 0 && c == '#' {
			return i
		}
		escape = quote != 0 && c == '\\' && !escape
	}
	return len(s)
}

func unescape(v []byte) string {
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v)
	}
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i == len(v)-1 {
			out = append(out, c)
			continue
		}
		i++
		switch v[i] {
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case 'b':
			out = append(out, '\b')
		case 's':
			out = append(out, ' ')
		case '"', '\'', '\\':
			out = append(out, v[i])
		default:
			out = append(out, '\\', v[i])
		}
	}
	return string(out)
}
