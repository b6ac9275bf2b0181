package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"go/token"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/tools/go/analysis"

	"github.com/goroutinelint/goroutinelint/analyzer"
)

// update rewrites testdata/e2e/golden/sarif.json from the output of TestSARIF.
var update = flag.Bool("update", false, "rewrite the SARIF golden file")

// TestSARIF checks the -sarif output on the e2e fixture: byte-identical
// with GOMAXPROCS=1 and 4, valid SARIF 2.1.0 as far as the required fields
// go, rules for every pass and for each category reported, results as in
// the golden file, and fixes that, applied by line and UTF-16 column as a
// SARIF consumer would, give the files -fix writes.
func TestSARIF(t *testing.T) {
	t.Parallel()
	dir := sharedApp(t)
	r := lintTwice(t, dir, "-sarif", "./...")
	wantResult(t, r, 1, nil)
	log := validateSARIF(t, []byte(r.stdout))

	run := log["runs"].([]any)[0].(map[string]any)
	driver := run["tool"].(map[string]any)["driver"].(map[string]any)
	wantRules := expectedRules(map[string][]string{
		"clienttimeout": {"default", "helper", "literal"},
		"unguardedsend": {"abandoned"},
	})
	if got, want := canonical(t, driver["rules"]), canonical(t, wantRules); got != want {
		t.Errorf("rules:\n%s\nwant:\n%s", got, want)
	}

	// The rest, without the rules (checked above against the passes' own
	// documentation) and the results' indices into them (checked by
	// validateSARIF), which change as passes are added, and with the
	// working directory as $SRCROOT.
	delete(driver, "rules")
	for _, r := range run["results"].([]any) {
		delete(r.(map[string]any), "ruleIndex")
	}
	got := strings.ReplaceAll(canonical(t, log), fileURI(dir), "$SRCROOT")
	name := filepath.Join("..", "..", "testdata", "e2e", "golden", "sarif.json")
	if *update {
		if err := os.WriteFile(name, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want := readFile(t, name); got != want {
		t.Errorf("SARIF log without rules:\n%s\nwant (%s; go test -run TestSARIF -update rewrites it):\n%s", got, name, want)
	}

	fixed := applySARIFFixes(t, dir, run)
	for _, file := range []string{"util/util.go", "worker/worker.go"} {
		if got, want := fixed[file], golden(t, filepath.Base(file)+".fixed"); got != want {
			t.Errorf("%s with the SARIF fixes applied:\n%s\nwant:\n%s", file, got, want)
		}
	}
}

// expectedRules returns the rules a run of every pass of the suite should
// declare, given the categories it reports per pass: a rule per pass,
// documented at the pass's URL, and one per category, at the category's
// README anchor; each with the pass's title and documentation.
func expectedRules(categories map[string][]string) []any {
	var rules []map[string]any
	rule := func(id string, a *analysis.Analyzer, helpURI string) map[string]any {
		title, _, _ := strings.Cut(a.Doc, "\n")
		return map[string]any{
			"id":                   id,
			"shortDescription":     map[string]any{"text": title},
			"helpUri":              helpURI,
			"help":                 map[string]any{"text": strings.TrimSpace(a.Doc)},
			"defaultConfiguration": map[string]any{"level": "warning"},
		}
	}
	for _, a := range analyzer.All(analyzer.DefaultConfig()) {
		rules = append(rules, rule(a.Name, a, a.URL))
		base, _, _ := strings.Cut(a.URL, "#")
		for _, cat := range categories[a.Name] {
			rules = append(rules, rule(a.Name+"/"+cat, a, base+"#"+cat))
		}
	}
	slices.SortFunc(rules, func(x, y map[string]any) int { return cmp.Compare(x["id"].(string), y["id"].(string)) })
	var out []any
	for _, r := range rules {
		out = append(out, r)
	}
	return out
}

// canonical returns v as indented JSON with sorted keys.
func canonical(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var generic any
	if err := json.Unmarshal(data, &generic); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(generic); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// validateSARIF decodes a SARIF log and fails the test for each way it
// breaks the SARIF 2.1.0 schema's required properties and the constraints
// this command promises: version and $schema; runs, each with
// tool.driver.name, unique rule ids with a shortDescription and an absolute
// helpUri, and results; each result with message.text, a ruleId declared
// in the rules (and a ruleIndex pointing at it), a location, 1-based
// regions whose end does not precede their start, related locations with
// unique ids and messages, and fixes whose artifactChanges and
// replacements are non-empty, each replacement with a deletedRegion.
func validateSARIF(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var log map[string]any
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	v := &sarifValidator{t: t}
	v.equal("version", log["version"], "2.1.0")
	if s, _ := log["$schema"].(string); !strings.Contains(s, "sarif-schema-2.1.0") && !strings.Contains(s, "sarif-2.1.0") {
		v.errorf("$schema", "%q is not the SARIF 2.1.0 schema", s)
	}
	runs := v.array("runs", log["runs"], true)
	for i, r := range runs {
		v.run(fmt.Sprintf("runs[%d]", i), r)
	}
	if v.failed {
		t.Logf("SARIF log:\n%s", data)
	}
	return log
}

// A sarifValidator checks parts of a decoded SARIF log.
type sarifValidator struct {
	t      *testing.T
	failed bool
}

func (v *sarifValidator) errorf(path, format string, args ...any) {
	v.t.Helper()
	v.failed = true
	v.t.Errorf("%s: %s", path, fmt.Sprintf(format, args...))
}

func (v *sarifValidator) equal(path string, got, want any) {
	v.t.Helper()
	if got != want {
		v.errorf(path, "%v, want %v", got, want)
	}
}

// object returns x as an object, or nil after failing.
func (v *sarifValidator) object(path string, x any) map[string]any {
	v.t.Helper()
	m, ok := x.(map[string]any)
	if !ok {
		v.errorf(path, "missing or not an object: %v", x)
	}
	return m
}

// array returns x as an array, failing if it is missing or, with
// nonEmpty, empty.
func (v *sarifValidator) array(path string, x any, nonEmpty bool) []any {
	v.t.Helper()
	a, ok := x.([]any)
	if !ok {
		v.errorf(path, "missing or not an array: %v", x)
	} else if nonEmpty && len(a) == 0 {
		v.errorf(path, "empty array")
	}
	return a
}

// text checks that the message at path has a non-empty text.
func (v *sarifValidator) text(path string, x any) string {
	v.t.Helper()
	s, _ := v.object(path, x)["text"].(string)
	if s == "" {
		v.errorf(path+".text", "missing or empty")
	}
	return s
}

func (v *sarifValidator) run(path string, x any) {
	v.t.Helper()
	run := v.object(path, x)
	driver := v.object(path+".tool.driver", v.object(path+".tool", run["tool"])["driver"])
	if name, _ := driver["name"].(string); name == "" {
		v.errorf(path+".tool.driver.name", "missing")
	}
	ids := make(map[string]int)
	for i, r := range v.array(path+".tool.driver.rules", driver["rules"], true) {
		rp := fmt.Sprintf("%s.tool.driver.rules[%d]", path, i)
		rule := v.object(rp, r)
		id, _ := rule["id"].(string)
		if _, dup := ids[id]; id == "" || dup {
			v.errorf(rp+".id", "%q is missing or not unique", id)
		}
		ids[id] = i
		v.text(rp+".shortDescription", rule["shortDescription"])
		if u, err := url.Parse(fmt.Sprint(rule["helpUri"])); err != nil || !u.IsAbs() {
			v.errorf(rp+".helpUri", "%v is not an absolute URI", rule["helpUri"])
		}
	}
	for i, r := range v.array(path+".results", run["results"], false) {
		v.result(fmt.Sprintf("%s.results[%d]", path, i), r, ids)
	}
}

func (v *sarifValidator) result(path string, x any, ids map[string]int) {
	v.t.Helper()
	res := v.object(path, x)
	v.text(path+".message", res["message"])
	id, _ := res["ruleId"].(string)
	index, declared := ids[id]
	if !declared {
		v.errorf(path+".ruleId", "%q is not a rule of the driver", id)
	} else if got, ok := res["ruleIndex"].(float64); !ok || int(got) != index {
		v.errorf(path+".ruleIndex", "%v, want %d (the index of %q)", res["ruleIndex"], index, id)
	}
	if level, ok := res["level"]; ok && !slices.Contains([]any{"none", "note", "warning", "error"}, level) {
		v.errorf(path+".level", "%v is not a SARIF level", level)
	}
	for i, l := range v.array(path+".locations", res["locations"], true) {
		v.location(fmt.Sprintf("%s.locations[%d]", path, i), l)
	}
	if rel, ok := res["relatedLocations"]; ok {
		seen := make(map[float64]bool)
		for i, l := range v.array(path+".relatedLocations", rel, true) {
			lp := fmt.Sprintf("%s.relatedLocations[%d]", path, i)
			loc := v.location(lp, l)
			id, ok := loc["id"].(float64)
			if !ok || id < 0 || seen[id] {
				v.errorf(lp+".id", "%v is missing, negative or not unique", loc["id"])
			}
			seen[id] = true
			v.text(lp+".message", loc["message"])
		}
	}
	if fixes, ok := res["fixes"]; ok {
		for i, f := range v.array(path+".fixes", fixes, true) {
			fp := fmt.Sprintf("%s.fixes[%d]", path, i)
			fix := v.object(fp, f)
			v.text(fp+".description", fix["description"])
			for j, c := range v.array(fp+".artifactChanges", fix["artifactChanges"], true) {
				cp := fmt.Sprintf("%s.artifactChanges[%d]", fp, j)
				change := v.object(cp, c)
				v.artifact(cp+".artifactLocation", change["artifactLocation"])
				for k, r := range v.array(cp+".replacements", change["replacements"], true) {
					rp := fmt.Sprintf("%s.replacements[%d]", cp, k)
					repl := v.object(rp, r)
					v.region(rp+".deletedRegion", repl["deletedRegion"])
					if ic, ok := repl["insertedContent"]; ok {
						if _, ok := v.object(rp+".insertedContent", ic)["text"].(string); !ok {
							v.errorf(rp+".insertedContent.text", "missing")
						}
					}
				}
			}
		}
	}
}

func (v *sarifValidator) location(path string, x any) map[string]any {
	v.t.Helper()
	loc := v.object(path, x)
	phys := v.object(path+".physicalLocation", loc["physicalLocation"])
	v.artifact(path+".physicalLocation.artifactLocation", phys["artifactLocation"])
	if r, ok := phys["region"]; ok {
		v.region(path+".physicalLocation.region", r)
	}
	return loc
}

func (v *sarifValidator) artifact(path string, x any) {
	v.t.Helper()
	a := v.object(path, x)
	uri, _ := a["uri"].(string)
	u, err := url.Parse(uri)
	switch {
	case uri == "" || err != nil:
		v.errorf(path+".uri", "%q is not a URI", uri)
	case !u.IsAbs() && a["uriBaseId"] == nil:
		v.errorf(path, "relative uri %q without uriBaseId", uri)
	case u.IsAbs() && u.Scheme != "file":
		v.errorf(path+".uri", "%q is not a file URI", uri)
	}
}

// region checks a text region: 1-based lines and columns, the end not
// before the start.
func (v *sarifValidator) region(path string, x any) {
	v.t.Helper()
	r := v.object(path, x)
	n := func(key string) int {
		f, ok := r[key].(float64)
		if !ok {
			v.errorf(path+"."+key, "missing")
		} else if f < 1 {
			v.errorf(path+"."+key, "%v is not 1-based", f)
		}
		return int(f)
	}
	sl, sc, el, ec := n("startLine"), n("startColumn"), n("endLine"), n("endColumn")
	if el < sl || el == sl && ec < sc {
		v.errorf(path, "ends at %d:%d, before its start %d:%d", el, ec, sl, sc)
	}
}

// applySARIFFixes applies the first fix of each result of run to the
// files under dir, as a SARIF consumer would: regions by line and UTF-16
// column in the original files, relative URIs against %SRCROOT%. It
// returns the formatted content of each file changed, by relative name.
func applySARIFFixes(t *testing.T, dir string, run map[string]any) map[string]string {
	t.Helper()
	type repl struct {
		start, end int
		text       string
	}
	edits := make(map[string][]repl)
	originals := make(map[string][]byte)
	for _, r := range run["results"].([]any) {
		fixes, _ := r.(map[string]any)["fixes"].([]any)
		if len(fixes) == 0 {
			continue // no fix
		}
		for _, c := range fixes[0].(map[string]any)["artifactChanges"].([]any) {
			change := c.(map[string]any)
			loc := change["artifactLocation"].(map[string]any)
			if loc["uriBaseId"] != sarifSrcRoot {
				t.Fatalf("fix edits %v, outside %%SRCROOT%%", loc)
			}
			name := loc["uri"].(string)
			if _, ok := originals[name]; !ok {
				originals[name] = []byte(readFile(t, filepath.Join(dir, filepath.FromSlash(name))))
			}
			for _, x := range change["replacements"].([]any) {
				rp := x.(map[string]any)
				reg := rp["deletedRegion"].(map[string]any)
				at := func(line, col string) int {
					return utf16Offset(t, originals[name], int(reg[line].(float64)), int(reg[col].(float64)))
				}
				text, _ := rp["insertedContent"].(map[string]any)["text"].(string)
				e := repl{start: at("startLine", "startColumn"), end: at("endLine", "endColumn"), text: text}
				if !slices.Contains(edits[name], e) {
					edits[name] = append(edits[name], e)
				}
			}
		}
	}
	out := make(map[string]string)
	for name, es := range edits {
		slices.SortStableFunc(es, func(a, b repl) int { return cmp.Compare(a.start, b.start) })
		src := originals[name]
		var b []byte
		last := 0
		for _, e := range es {
			b = append(append(b, src[last:e.start]...), e.text...)
			last = e.end
		}
		b = append(b, src[last:]...)
		formatted, err := format.Source(b)
		if err != nil {
			t.Fatalf("%s with the SARIF fixes does not parse: %v\n%s", name, err, b)
		}
		out[name] = string(formatted)
	}
	return out
}

// utf16Offset returns the byte offset in src of a 1-based line and UTF-16 column.
func utf16Offset(t *testing.T, src []byte, line, col int) int {
	t.Helper()
	off := 0
	for range line - 1 {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			t.Fatalf("line %d is beyond the end of the file", line)
		}
		off += i + 1
	}
	for units := 0; units < col-1; {
		r, size := utf8.DecodeRune(src[off:])
		if size == 0 || r == '\n' {
			t.Fatalf("column %d is beyond the end of line %d", col, line)
		}
		units += utf16.RuneLen(r)
		off += size
	}
	return off
}

// TestSARIFLog checks the SARIF log of findings made up in process: UTF-16
// columns, escaped brackets, related locations linked from the message,
// files outside the working directory, points without an end, a fix over
// two files, and an empty run.
func TestSARIFLog(t *testing.T) {
	t.Parallel()
	cwd := t.TempDir()
	src := "package p\n\nvar s = \"😀\"; var x = [1]int{}\n"
	name := filepath.Join(cwd, "p", "p.go")
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "q.go")
	fset := token.NewFileSet()
	pf := fset.AddFile(name, -1, len(src))
	pf.SetLinesForContent([]byte(src))
	qf := fset.AddFile(outside, -1, 20)
	at := func(s string) token.Pos { return pf.Pos(strings.Index(src, s)) }
	pass := &analysis.Analyzer{Name: "pass", Doc: "report things\n\nLonger text.", URL: "https://example.com/doc#pass"}
	other := &analysis.Analyzer{Name: "other", Doc: "report nothing", URL: "https://example.com/doc#other"}
	diag := analysis.Diagnostic{
		Pos: at("x ="), End: at(" = [1]"), Category: "cat",
		Message: "x[0] is odd",
		Related: []analysis.RelatedInformation{{Pos: at("s ="), Message: "s [here]"}},
		SuggestedFixes: []analysis.SuggestedFix{{Message: "Rename x", TextEdits: []analysis.TextEdit{
			{Pos: at("x ="), End: at(" = [1]"), NewText: []byte("y")},
			{Pos: qf.Pos(3), End: qf.Pos(3), NewText: []byte("z")},
		}}},
	}
	findings := []finding{
		{analyzer: "pass", pkgPath: "p", fset: fset, posn: fset.Position(diag.Pos), diag: diag},
		{analyzer: "pass", pkgPath: "p", fset: fset, posn: fset.Position(qf.Pos(1)), diag: analysis.Diagnostic{Pos: qf.Pos(1), Message: "elsewhere"}},
	}
	var stdout bytes.Buffer
	c := &command{stdout: &stdout, cwd: cwd}
	if code := c.printSARIF([]*analysis.Analyzer{pass, other}, findings); code != exitFindings {
		t.Errorf("exit code %d, want 1", code)
	}
	log := validateSARIF(t, stdout.Bytes())
	run := log["runs"].([]any)[0].(map[string]any)
	want := `{
  "columnKind": "utf16CodeUnits",
  "originalUriBaseIds": {
    "%SRCROOT%": {
      "uri": "$CWD/"
    }
  },
  "results": [
    {
      "fixes": [
        {
          "artifactChanges": [
            {
              "artifactLocation": {
                "uri": "p/p.go",
                "uriBaseId": "%SRCROOT%"
              },
              "replacements": [
                {
                  "deletedRegion": {
                    "endColumn": 20,
                    "endLine": 3,
                    "startColumn": 19,
                    "startLine": 3
                  },
                  "insertedContent": {
                    "text": "y"
                  }
                }
              ]
            },
            {
              "artifactLocation": {
                "uri": "$OUTSIDE"
              },
              "replacements": [
                {
                  "deletedRegion": {
                    "endColumn": 4,
                    "endLine": 1,
                    "startColumn": 4,
                    "startLine": 1
                  },
                  "insertedContent": {
                    "text": "z"
                  }
                }
              ]
            }
          ],
          "description": {
            "text": "Rename x"
          }
        }
      ],
      "level": "warning",
      "locations": [
        {
          "physicalLocation": {
            "artifactLocation": {
              "uri": "p/p.go",
              "uriBaseId": "%SRCROOT%"
            },
            "region": {
              "endColumn": 20,
              "endLine": 3,
              "startColumn": 19,
              "startLine": 3
            }
          }
        }
      ],
      "message": {
        "text": "x\\[0\\] is odd\n[s \\[here\\]](1)"
      },
      "relatedLocations": [
        {
          "id": 1,
          "message": {
            "text": "s [here]"
          },
          "physicalLocation": {
            "artifactLocation": {
              "uri": "p/p.go",
              "uriBaseId": "%SRCROOT%"
            },
            "region": {
              "endColumn": 5,
              "endLine": 3,
              "startColumn": 5,
              "startLine": 3
            }
          }
        }
      ],
      "ruleId": "pass/cat",
      "ruleIndex": 2
    },
    {
      "level": "warning",
      "locations": [
        {
          "physicalLocation": {
            "artifactLocation": {
              "uri": "$OUTSIDE"
            },
            "region": {
              "endColumn": 2,
              "endLine": 1,
              "startColumn": 2,
              "startLine": 1
            }
          }
        }
      ],
      "message": {
        "text": "elsewhere"
      },
      "ruleId": "pass",
      "ruleIndex": 1
    }
  ],
  "tool": {
    "driver": {
      "informationUri": "https://github.com/goroutinelint/goroutinelint",
      "name": "goroutinelint",
      "rules": [
        {
          "defaultConfiguration": {
            "level": "warning"
          },
          "help": {
            "text": "report nothing"
          },
          "helpUri": "https://example.com/doc#other",
          "id": "other",
          "shortDescription": {
            "text": "report nothing"
          }
        },
        {
          "defaultConfiguration": {
            "level": "warning"
          },
          "help": {
            "text": "report things\n\nLonger text."
          },
          "helpUri": "https://example.com/doc#pass",
          "id": "pass",
          "shortDescription": {
            "text": "report things"
          }
        },
        {
          "defaultConfiguration": {
            "level": "warning"
          },
          "help": {
            "text": "report things\n\nLonger text."
          },
          "helpUri": "https://example.com/doc#cat",
          "id": "pass/cat",
          "shortDescription": {
            "text": "report things"
          }
        }
      ],
      "version": "$VERSION"
    }
  }
}
`
	want = strings.NewReplacer("$CWD", fileURI(cwd), "$OUTSIDE", fileURI(outside), "$VERSION", moduleVersion()).Replace(want)
	if got := canonical(t, run); got != want {
		t.Errorf("run:\n%s\nwant:\n%s", got, want)
	}

	// A run with no findings still declares its rules, and has results: [].
	stdout.Reset()
	if code := c.printSARIF([]*analysis.Analyzer{pass}, nil); code != exitClean {
		t.Errorf("exit code %d with no findings, want 0", code)
	}
	run = validateSARIF(t, stdout.Bytes())["runs"].([]any)[0].(map[string]any)
	if results, ok := run["results"].([]any); !ok || len(results) != 0 {
		t.Errorf("results of a clean run: %v, want []", run["results"])
	}
	if rules := run["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any); len(rules) != 1 {
		t.Errorf("rules of a clean run of one pass: %v, want one", rules)
	}
}
