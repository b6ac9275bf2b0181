package lsp

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestPositions(t *testing.T) {
	t.Parallel()
	// "é" is 2 bytes, 1 UTF-16 unit; "😀" is 4 bytes, 2 UTF-16 units, 1 rune.
	text := []byte("ab\né😀x\n")
	off := strings.Index(string(text), "x")
	for enc, want := range map[string]uint32{encUTF8: 6, encUTF16: 3, encUTF32: 2} {
		p := offsetPosition(text, off, enc)
		if p.Line != 1 || p.Character != want {
			t.Errorf("%s: offsetPosition = %+v, want 1:%d", enc, p, want)
		}
		back, err := positionOffset(text, p, enc)
		if err != nil || back != off {
			t.Errorf("%s: positionOffset(%+v) = %d, %v; want %d", enc, p, back, err, off)
		}
	}
	if _, err := positionOffset(text, Position{Line: 1, Character: 2}, encUTF16); err == nil {
		t.Error("a UTF-16 position inside a surrogate pair was accepted")
	}
	// Past the end of a line means its end; past the last line, the text's end.
	if off, _ := positionOffset(text, Position{Line: 0, Character: 99}, encUTF16); off != 2 {
		t.Errorf("past the line's end: offset %d, want 2", off)
	}
	if off, _ := positionOffset(text, Position{Line: 9}, encUTF16); off != len(text) {
		t.Errorf("past the last line: offset %d, want %d", off, len(text))
	}
	// go vet's 1-based byte columns.
	if got := lineColOffset(text, 2, 7); got != off {
		t.Errorf("lineColOffset(2, 7) = %d, want %d", got, off)
	}
}

func TestApplyChanges(t *testing.T) {
	t.Parallel()
	text := []byte("héllo\nwörld\n")
	old := string(text)
	got, err := applyChanges(text, []ContentChange{
		{Range: &Range{Start: Position{0, 1}, End: Position{0, 2}}, Text: "a"}, // é -> a
		{Range: &Range{Start: Position{1, 5}, End: Position{1, 5}}, Text: "!"}, // append to line 2
		{Range: &Range{Start: Position{0, 5}, End: Position{1, 0}}, Text: " "}, // join the lines
	}, encUTF16)
	if err != nil || string(got) != "hallo wörld!\n" {
		t.Errorf("applyChanges = %q, %v", got, err)
	}
	if string(text) != old {
		t.Error("applyChanges changed its input, which snapshots share")
	}
	got, _ = applyChanges(text, []ContentChange{{Text: "whole"}}, encUTF16)
	if string(got) != "whole" {
		t.Errorf("full change: %q", got)
	}
	if _, err := applyChanges(text, []ContentChange{{Range: &Range{Start: Position{1, 0}, End: Position{0, 0}}}}, encUTF16); err == nil {
		t.Error("a backwards range was accepted")
	}
}

func TestChooseEncoding(t *testing.T) {
	t.Parallel()
	if chooseEncoding([]string{"utf-16", "utf-8"}) != encUTF8 || chooseEncoding(nil) != encUTF16 || chooseEncoding([]string{"utf-32"}) != encUTF16 {
		t.Error("want UTF-8 when offered, else UTF-16")
	}
}

func TestParseSettings(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		raw      string
		flags    []string
		test     bool
		warnings int
	}{
		{`null`, nil, true, 0},
		{`{"unguardedsend": false, "-clienttimeout.fix-timeout": "10s", "tags": ["a", "b"], "test": false}`,
			[]string{"-clienttimeout.fix-timeout=10s", "-tags=a,b", "-unguardedsend=false"}, false, 0},
		{`{"goroutinelint": {"noexit": false}}`, []string{"-noexit=false"}, true, 0},
		{`{"nosuchpass": true, "noexit": "maybe", "test": 3}`, nil, true, 3},
		{`[1]`, nil, true, 1},
	} {
		s, warnings := parseSettings(json.RawMessage(tt.raw), testPassFlags)
		if !slices.Equal(s.flags, tt.flags) || s.test != tt.test || len(warnings) != tt.warnings {
			t.Errorf("parseSettings(%s) = %v test=%v, warnings %q; want %v test=%v, %d warnings", tt.raw, s.flags, s.test, warnings, tt.flags, tt.test, tt.warnings)
		}
	}
}

func TestExtractSettings(t *testing.T) {
	t.Parallel()
	rest, ours := extractSettings(json.RawMessage(`{"b":1,"goroutinelint":{"noexit":false},"a":2}`))
	if string(rest) != `{"a":2,"b":1}` || string(ours) != `{"noexit":false}` {
		t.Errorf("extractSettings = %s, %s", rest, ours)
	}
	in := json.RawMessage(`{"a":2}`)
	if rest, ours := extractSettings(in); string(rest) != string(in) || ours != nil {
		t.Errorf("without our key: %s, %s; want the input unchanged", rest, ours)
	}
}

func TestMergeCapabilities(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, wantCaps, wantEnc string }{
		{`{"capabilities":{"textDocumentSync":1,"codeActionProvider":true,"positionEncoding":"utf-8"}}`,
			`{"codeActionProvider":true,"positionEncoding":"utf-8","textDocumentSync":{"change":1,"openClose":true,"save":{"includeText":false}}}`, "utf-8"},
		{`{"capabilities":{"textDocumentSync":{"openClose":true,"change":2,"save":{}},"codeActionProvider":{"codeActionKinds":["quickfix","source"]}}}`,
			`{"codeActionProvider":{"codeActionKinds":["quickfix","source"]},"textDocumentSync":{"change":2,"openClose":true,"save":{}}}`, "utf-16"},
		{`{"capabilities":{}}`,
			`{"codeActionProvider":{"codeActionKinds":["quickfix"]},"textDocumentSync":{"openClose":true,"change":2,"save":{"includeText":false}}}`, "utf-16"},
	} {
		out, enc := mergeCapabilities(json.RawMessage(tt.in))
		var res struct{ Capabilities json.RawMessage }
		json.Unmarshal(out, &res)
		if string(res.Capabilities) != tt.wantCaps || enc != tt.wantEnc {
			t.Errorf("mergeCapabilities(%s) = %s, %s; want %s, %s", tt.in, res.Capabilities, enc, tt.wantCaps, tt.wantEnc)
		}
	}
}

func TestParseVetJSON(t *testing.T) {
	t.Parallel()
	out := `{"p": {"unguardedsend": [{"posn": "/m/p/a.go:3:4", "end": "/m/p/a.go:3:6", "message": "m"}]}}
{"p [p.test]": {"noexit": {"error": "boom"}}}`
	diags, err := parseVetJSON(strings.NewReader(out))
	if len(diags) != 1 || diags[0].pass != "unguardedsend" || err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("parseVetJSON = %+v, %v", diags, err)
	}
	if file, line, col, ok := splitPosn(`C:\m\a.go:3:4`); !ok || file != `C:\m\a.go` || line != 3 || col != 4 {
		t.Errorf("splitPosn = %q %d %d %v", file, line, col, ok)
	}
}
