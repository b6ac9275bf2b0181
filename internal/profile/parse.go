// Package profile reads a goroutine profile of a running program and joins
// it with goroutinelint's findings: which findings the program confirms,
// which stuck goroutines no finding explains, and where in the analysed
// source each of them waits.
//
// It reads the three forms a Go 1.26 program serves at
// /debug/pprof/goroutine and, with GOEXPERIMENT=goroutineleakprofile, at
// /debug/pprof/goroutineleak: the debug=2 text (runtime.Stack of every
// goroutine: wait reason, wait time from one minute up, the go statement
// that created it, and "(leaked)" marks in a leak profile), the debug=1
// text (distinct stacks with counts, runtime frames hidden) and the
// protocol buffer (stacks with counts, runtime frames kept).
package profile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

// A Format is the form a profile was written in.
type Format string

// The forms of a goroutine profile.
const (
	Debug2 Format = "debug=2" // runtime.Stack text: one goroutine per record
	Debug1 Format = "debug=1" // text: distinct stacks with counts
	Proto  Format = "proto"   // protocol buffer, usually gzipped
)

// A Frame is one call on a goroutine's stack.
type Frame struct {
	Func string // the function as the runtime names it: "example.com/p.(*T).m.func1"
	File string // as the binary records it: absolute, or trimmed by -trimpath
	Line int
}

// String returns "func file:line".
func (f Frame) String() string { return fmt.Sprintf("%s %s:%d", f.Func, f.File, f.Line) }

// A Goroutine is one goroutine, or in the formats that count stacks, Count
// goroutines with the same stack.
type Goroutine struct {
	Stack   []Frame // innermost call first; inlined calls are frames of their own
	Created *Frame  // the go statement that started it (debug=2 only), else nil
	// State is the runtime's wait reason ("chan send", "select", "IO wait")
	// or status ("running", "runnable"); "" where the format has none.
	State       string
	Leaked      bool // the leak detector found it can never run again
	WaitMinutes int  // how long it has waited, in whole minutes; 0 below one or unknown
	Count       int
}

// A Profile is a parsed goroutine profile.
type Profile struct {
	Format Format
	// Leak reports whether this is a leak profile, whose goroutines count
	// only when leaked: every goroutine of a debug=1 or proto leak profile
	// is. A debug=2 dump is one only when fetched from the leak endpoint:
	// once the leak detector has run, the plain endpoint's dumps mark the
	// leaked goroutines too, among all the others.
	Leak       bool
	Goroutines []Goroutine
}

// Total returns the number of goroutines in the profile.
func (p *Profile) Total() int {
	n := 0
	for _, g := range p.Goroutines {
		n += g.Count
	}
	return n
}

// Parse parses a goroutine profile in any of its three forms.
func Parse(data []byte) (*Profile, error) {
	text := bytes.TrimLeft(data, " \t\r\n")
	switch {
	case len(data) == 0:
		return nil, errors.New("empty profile")
	case bytes.HasPrefix(text, []byte("goroutine profile:")), bytes.HasPrefix(text, []byte("goroutineleak profile:")):
		return parseDebug1(text)
	case debug2Header.Match(firstLine(text)):
		return parseDebug2(text)
	}
	return parseProto(data)
}

// firstLine returns data up to its first newline.
func firstLine(data []byte) []byte {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	return line
}

// debug2Header matches the first line of a goroutine in runtime.Stack
// output: "goroutine 18 [chan send, 3 minutes]:", with "gp=… m=…" between
// the id and the bracket when GOTRACEBACK is system or higher.
var debug2Header = regexp.MustCompile(`^goroutine (\d+)(?: [^\[]*)? \[(.*)\]:\s*$`)

// parseDebug2 parses the debug=2 text: goroutines separated by blank lines,
// each a header, then a function line and a "\tfile:line +0x…" line per
// frame, ending with "created by F in goroutine N" and its position.
func parseDebug2(data []byte) (*Profile, error) {
	p := &Profile{Format: Debug2}
	var cur *Goroutine
	var fn string         // the function line awaiting its position
	var createdBy *string // a "created by" function awaiting its position
	lineNo := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		if m := debug2Header.FindStringSubmatch(line); m != nil {
			p.Goroutines = append(p.Goroutines, parseHeader(m[2]))
			cur = &p.Goroutines[len(p.Goroutines)-1]
			fn, createdBy = "", nil
			continue
		}
		switch {
		case strings.TrimSpace(line) == "":
			continue // between goroutines
		case cur == nil:
			return nil, fmt.Errorf("line %d: %q before the first goroutine header", lineNo, truncate(line))
		case strings.HasPrefix(line, "\t"):
			file, ln, ok := parseFileLine(strings.TrimSpace(line))
			if !ok {
				return nil, fmt.Errorf("line %d: want \"\\tfile:line\", got %q", lineNo, truncate(line))
			}
			switch {
			case createdBy != nil:
				cur.Created = &Frame{Func: *createdBy, File: file, Line: ln}
				createdBy = nil
			case fn != "":
				cur.Stack = append(cur.Stack, Frame{Func: fn, File: file, Line: ln})
				fn = ""
			}
		case strings.HasPrefix(line, "created by "):
			name := strings.TrimPrefix(line, "created by ")
			name, _, _ = strings.Cut(name, " in goroutine ")
			createdBy = &name
		case strings.HasPrefix(line, "...") || strings.HasPrefix(line, "goroutine "):
			continue // "...additional frames elided...", or a header we do not know
		default:
			fn = funcName(line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(p.Goroutines) == 0 {
		return nil, errors.New("no goroutine in the dump")
	}
	return p, nil
}

// parseHeader parses what is between the brackets of a goroutine header:
// "chan send (leaked), 3 minutes, locked to thread".
func parseHeader(s string) Goroutine {
	g := Goroutine{Count: 1}
	parts := strings.Split(s, ", ")
	state := parts[0]
	if strings.Contains(state, " (leaked)") {
		g.Leaked = true
		state = strings.Replace(state, " (leaked)", "", 1)
	}
	g.State = strings.TrimSpace(strings.Replace(state, " (scan)", "", 1))
	for _, part := range parts[1:] {
		if n, ok := strings.CutSuffix(part, " minutes"); ok {
			if m, err := strconv.Atoi(n); err == nil {
				g.WaitMinutes = m
			}
		}
	}
	return g
}

// funcName returns the function of a frame line of runtime.Stack output:
// "example.com/p.(*T).m(0xc000010000, {0x1, 0x2})" without its arguments,
// and "panic(…)" kept as "panic".
func funcName(line string) string {
	if i := strings.LastIndex(line, "("); i > 0 && strings.HasSuffix(line, ")") {
		// Arguments never hold parentheses; receivers such as "(*T)" come
		// before the last "(".
		return line[:i]
	}
	return line
}

// parseFileLine parses "file:line" or "file:line +0x1f".
func parseFileLine(s string) (string, int, bool) {
	s, _, _ = strings.Cut(s, " +0x")
	i := strings.LastIndex(s, ":")
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n < 0 {
		return "", 0, false
	}
	return s[:i], n, true
}

// debug1Frame matches a frame line of the debug=1 text:
// "#\t0x6adb74\texample.com/p.f+0xb4\t/src/p/f.go:70".
var debug1Frame = regexp.MustCompile(`^#\s+0x[0-9a-f]+\s+(\S+?)\+0x[0-9a-f]+\s+(.+:\d+)\s*$`)

// parseDebug1 parses the debug=1 text: a "goroutine profile: total N"
// header, then for each distinct stack "count @ pc…" and one "#" line per
// frame (with "# labels: {…}" for labelled goroutines).
func parseDebug1(data []byte) (*Profile, error) {
	p := &Profile{Format: Debug1, Leak: bytes.HasPrefix(data, []byte("goroutineleak"))}
	var cur *Goroutine
	lineNo := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case lineNo == 1 || strings.TrimSpace(line) == "":
			continue // the header, or between stacks
		case strings.HasPrefix(line, "# labels:"):
			continue
		case strings.HasPrefix(line, "#"):
			m := debug1Frame.FindStringSubmatch(line)
			if m == nil || cur == nil {
				return nil, fmt.Errorf("line %d: want a frame \"#\\tpc\\tfunc+off\\tfile:line\", got %q", lineNo, truncate(line))
			}
			file, ln, _ := parseFileLine(m[2])
			cur.Stack = append(cur.Stack, Frame{Func: m[1], File: file, Line: ln})
		default:
			count, _, ok := strings.Cut(line, " @ ")
			n, err := strconv.Atoi(count)
			if !ok || err != nil || n < 0 {
				return nil, fmt.Errorf("line %d: want \"count @ pc…\", got %q", lineNo, truncate(line))
			}
			p.Goroutines = append(p.Goroutines, Goroutine{Count: n, Leaked: p.Leak})
			cur = &p.Goroutines[len(p.Goroutines)-1]
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// parseProto parses the protocol buffer form with the pprof library.
func parseProto(data []byte) (*Profile, error) {
	prof, err := profile.ParseData(data)
	if err != nil {
		return nil, fmt.Errorf("neither a goroutine dump (debug=1 or 2) nor a profile in protocol buffer form: %v", err)
	}
	if len(prof.SampleType) == 0 || !strings.HasPrefix(prof.SampleType[0].Type, "goroutine") {
		kind := "no sample type"
		if len(prof.SampleType) > 0 {
			kind = prof.SampleType[0].Type
		}
		return nil, fmt.Errorf("a %s profile, not a goroutine profile", kind)
	}
	p := &Profile{Format: Proto, Leak: prof.SampleType[0].Type == "goroutineleak"}
	for _, s := range prof.Sample {
		if len(s.Value) == 0 {
			continue // no count: nothing to add
		}
		g := Goroutine{Count: int(s.Value[0]), Leaked: p.Leak}
		for _, loc := range s.Location {
			// loc.Line lists inlined calls innermost first.
			for _, l := range loc.Line {
				if l.Function == nil {
					continue // an unsymbolized frame
				}
				g.Stack = append(g.Stack, Frame{Func: l.Function.Name, File: l.Function.Filename, Line: int(l.Line)})
			}
		}
		p.Goroutines = append(p.Goroutines, g)
	}
	return p, nil
}

// truncate shortens a line quoted in an error.
func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
