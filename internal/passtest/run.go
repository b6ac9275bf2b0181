package passtest

import (
	"bytes"
	"fmt"
	"go/format"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/scanner"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/txtar"
)

// Run analyzes the packages of the tree that patterns match with a, and
// checks the diagnostics and facts of each against the `// want` comments
// of its files, in analysistest's notation and with its rules:
//
//   - `// want "rx"` (or a back-quoted rx) expects a diagnostic on that
//     line whose message rx matches; a comment may hold several, and
//     `// want +N "rx"` expects them N lines below;
//   - `// want name:"rx"` expects a fact of the object declared on that
//     line, named name, whose String rx matches (`package:"rx"`, on line 1,
//     for a package fact);
//   - every diagnostic and every fact about the package's own objects
//     must meet an expectation, and every expectation must be met.
//
// The checker runs with SanityCheck, as analysistest runs it, so facts
// that do not encode deterministically fail. Run returns the root actions,
// one per package, for further checks.
func Run(t testing.TB, tr *Tree, a *analysis.Analyzer, patterns ...string) []*checker.Action {
	t.Helper()
	tr.Load(t)
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, tr.Roots(t, patterns...), &checker.Options{SanityCheck: true})
	if err != nil {
		t.Fatalf("analyzing %v with %s: %v", patterns, a.Name, err)
	}
	for _, act := range graph.Roots {
		if act.Err != nil {
			t.Errorf("error analyzing %s: %v", act, act.Err)
			continue
		}
		check(t, tr.dir, act)
	}
	return graph.Roots
}

// An expectation is one item of a `// want` comment.
type expectation struct {
	fact string // "" for a diagnostic; the object's name, or "package", for a fact
	rx   *regexp.Regexp
}

// A place is a file, named relative to the tree's src directory, and a line.
type place struct {
	file string
	line int
}

// check compares act's diagnostics and its package's facts with the
// expectations in the package's files.
func check(t testing.TB, dir string, act *checker.Action) {
	t.Helper()
	fset := act.Package.Fset
	rel := func(filename string) string {
		return filepath.ToSlash(strings.TrimPrefix(filename, dir+string(filepath.Separator)+"src"+string(filepath.Separator)))
	}
	want := make(map[place][]expectation)
	for _, f := range act.Package.Syntax {
		for _, group := range f.Comments {
			for _, c := range group.List {
				text, ok := strings.CutPrefix(c.Text, "//")
				if !ok {
					text = strings.TrimSuffix(strings.TrimPrefix(c.Text, "/*"), "*/")
				}
				if i := strings.Index(text, "// want"); i >= 0 {
					text = text[i+len("// "):] // a want comment inside a comment
				}
				rest, ok := strings.CutPrefix(strings.TrimSpace(text), "want")
				if !ok {
					continue
				}
				posn := fset.Position(c.Pos()) // through //line directives, as the user reads it
				delta, expects, err := parseWant(rest)
				if err != nil {
					t.Errorf("%s:%d: in 'want' comment: %v", rel(posn.Filename), posn.Line, err)
					continue
				}
				if expects != nil {
					want[place{rel(posn.Filename), posn.Line + delta}] = expects
				}
			}
		}
	}

	// meet removes the first expectation at posn of the fact name (or a
	// diagnostic) that text matches, and reports one that none matches.
	meet := func(posn token.Position, fact, text string) {
		t.Helper()
		at := place{rel(posn.Filename), posn.Line}
		kind := "diagnostic"
		if fact != "" {
			kind = "fact"
		}
		var tried []string
		for i, exp := range want[at] {
			if exp.fact != fact {
				continue
			}
			if exp.rx.MatchString(text) {
				want[at] = slices.Delete(want[at], i, i+1)
				return
			}
			tried = append(tried, fmt.Sprintf("%#q", exp.rx))
		}
		if tried == nil {
			t.Errorf("%s:%d:%d: unexpected %s: %s", at.file, at.line, posn.Column, kind, text)
		} else {
			t.Errorf("%s:%d:%d: %s %q does not match %s", at.file, at.line, posn.Column, kind, text, strings.Join(tried, " or "))
		}
	}

	for _, d := range act.Diagnostics {
		meet(fset.Position(d.Pos), "", d.Message)
	}
	for _, pf := range act.AllPackageFacts() {
		if pf.Package == act.Package.Types && len(act.Package.Syntax) > 0 {
			posn := fset.Position(act.Package.Syntax[0].Pos())
			posn.Line, posn.Column = 1, 1
			meet(posn, "package", fmt.Sprint(pf.Fact))
		}
	}
	objFacts := act.AllObjectFacts()
	sort.Slice(objFacts, func(i, j int) bool { return objFacts[i].Object.Pos() < objFacts[j].Object.Pos() })
	for _, of := range objFacts {
		if obj := of.Object; obj.Pkg() == act.Package.Types {
			meet(fset.Position(obj.Pos()), obj.Name(), fmt.Sprint(of.Fact))
		}
	}

	var unmet []string
	for at, expects := range want {
		for _, exp := range expects {
			kind := "diagnostic"
			if exp.fact != "" {
				kind = "fact " + exp.fact
			}
			unmet = append(unmet, fmt.Sprintf("%s:%d: no %s was reported matching %#q", at.file, at.line, kind, exp.rx))
		}
	}
	sort.Strings(unmet)
	for _, msg := range unmet {
		t.Errorf("%s", msg)
	}
}

// parseWant parses what follows "want" in a comment: an optional +N line
// offset, then quoted regexps (diagnostics) and name:"rx" pairs (facts).
func parseWant(text string) (delta int, expects []expectation, err error) {
	var scanErr string
	var sc scanner.Scanner
	sc.Init(strings.NewReader(text))
	sc.Error = func(_ *scanner.Scanner, msg string) { scanErr = msg }
	sc.Mode = scanner.ScanIdents | scanner.ScanStrings | scanner.ScanRawStrings | scanner.ScanInts
	regexpAt := func(tok rune) (*regexp.Regexp, error) {
		if tok != scanner.String && tok != scanner.RawString {
			return nil, fmt.Errorf("got %s, want a quoted regular expression", scanner.TokenString(tok))
		}
		s, err := strconv.Unquote(sc.TokenText())
		if err != nil {
			return nil, err
		}
		return regexp.Compile(s)
	}
	for {
		switch tok := sc.Scan(); tok {
		case '+':
			if sc.Scan() != scanner.Int {
				return 0, nil, fmt.Errorf("want +N after +")
			}
			delta, _ = strconv.Atoi(sc.TokenText())
		case scanner.String, scanner.RawString:
			rx, err := regexpAt(tok)
			if err != nil {
				return 0, nil, err
			}
			expects = append(expects, expectation{rx: rx})
		case scanner.Ident:
			name := sc.TokenText()
			if tok := sc.Scan(); tok != ':' {
				return 0, nil, fmt.Errorf("got %s after %s, want ':'", scanner.TokenString(tok), name)
			}
			rx, err := regexpAt(sc.Scan())
			if err != nil {
				return 0, nil, err
			}
			expects = append(expects, expectation{fact: name, rx: rx})
		case scanner.EOF:
			if scanErr != "" {
				return 0, nil, fmt.Errorf("%s", scanErr)
			}
			return delta, expects, nil
		default:
			return 0, nil, fmt.Errorf("unexpected %s", scanner.TokenString(tok))
		}
	}
}

// RunWithSuggestedFixes runs Run, then applies the suggested fixes of each
// package's diagnostics to the files they edit and compares each result,
// gofmt-ed, with the file's golden twin (name.go.golden), as
// analysistest.RunWithSuggestedFixes does: a plain golden file holds the
// file with every fix applied; a txtar golden file holds one section per
// fix message, the file with the fixes of that message applied. Identical
// edits (the same import added by two fixes) are applied once; overlapping
// different ones fail the test.
func RunWithSuggestedFixes(t testing.TB, tr *Tree, a *analysis.Analyzer, patterns ...string) []*checker.Action {
	t.Helper()
	roots := Run(t, tr, a, patterns...)
	for _, act := range roots {
		// byMessage: fix message -> file name -> edits, for this package.
		byMessage := make(map[string]map[string][]edit)
		files := make(map[string]bool)
		for _, d := range act.Diagnostics {
			for _, fix := range d.SuggestedFixes {
				if byMessage[fix.Message] == nil {
					byMessage[fix.Message] = make(map[string][]edit)
				}
				for _, e := range fix.TextEdits {
					f := act.Package.Fset.File(e.Pos)
					files[f.Name()] = true
					byMessage[fix.Message][f.Name()] = append(byMessage[fix.Message][f.Name()],
						edit{f.Offset(e.Pos), f.Offset(e.End), string(e.NewText)})
				}
			}
		}
		for _, name := range slices.Sorted(maps.Keys(files)) {
			original, err := os.ReadFile(name)
			if err != nil {
				t.Errorf("%v", err)
				continue
			}
			archive, err := txtar.ParseFile(name + ".golden")
			if err != nil {
				t.Errorf("%v", err)
				continue
			}
			if len(archive.Files) == 0 {
				var all []edit
				for _, m := range slices.Sorted(maps.Keys(byMessage)) {
					all = append(all, byMessage[m][name]...)
				}
				compareFixed(t, name, "all fixes", original, all, archive.Comment)
				continue
			}
			for _, section := range archive.Files {
				compareFixed(t, name, fmt.Sprintf("the fixes %q", section.Name), original, byMessage[section.Name][name], section.Data)
			}
		}
	}
	return roots
}

// An edit replaces original[start:end] by text.
type edit struct {
	start, end int
	text       string
}

// compareFixed applies edits to original and fails t unless the result,
// gofmt-ed, equals want, gofmt-ed.
func compareFixed(t testing.TB, name, what string, original []byte, edits []edit, want []byte) {
	t.Helper()
	if len(edits) == 0 {
		t.Errorf("%s: %s: no edits", name, what)
		return
	}
	slices.SortStableFunc(edits, func(x, y edit) int {
		if x.start != y.start {
			return x.start - y.start
		}
		return x.end - y.end
	})
	edits = slices.Compact(edits)
	var out bytes.Buffer
	last := 0
	for i, e := range edits {
		if e.start < last {
			t.Errorf("%s: %s: edit %d (%d-%d) overlaps the previous one", name, what, i, e.start, e.end)
			return
		}
		out.Write(original[last:e.start])
		out.WriteString(e.text)
		last = e.end
	}
	out.Write(original[last:])
	fixed, err := format.Source(out.Bytes())
	if err != nil {
		t.Errorf("%s: %s: the fixed file does not parse: %v\n%s", name, what, err, out.Bytes())
		return
	}
	if formatted, err := format.Source(want); err == nil {
		want = formatted
	}
	if !bytes.Equal(bytes.TrimSpace(fixed), bytes.TrimSpace(want)) {
		t.Errorf("%s: with %s applied:\n%s\nwant:\n%s", name, what, fixed, want)
	}
}
