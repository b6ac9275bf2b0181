package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"go/token"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/tools/go/analysis"
)

// SARIF 2.1.0 (OASIS standard, errata 01): the document identifiers.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// sarifSrcRoot is the base of relative artifact URIs: the working
	// directory of the run. Code-scanning services resolve it to the
	// checkout, as GitHub's upload-sarif action does.
	sarifSrcRoot = "%SRCROOT%"
	// projectURI is the driver's informationUri.
	projectURI = "https://github.com/goroutinelint/goroutinelint"
)

// The subset of the SARIF 2.1.0 object model the command writes. Field
// order follows the specification's.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}

	sarifRun struct {
		Tool               sarifTool                        `json:"tool"`
		OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
		ColumnKind         string                           `json:"columnKind"`
		Results            []sarifResult                    `json:"results"` // [] when clean: the run happened
	}

	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}

	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Version        string      `json:"version"`
		Rules          []sarifRule `json:"rules"`
	}

	// sarifRule is a reportingDescriptor: one per pass, and one per pass
	// and category reported in the run.
	sarifRule struct {
		ID                   string             `json:"id"`
		ShortDescription     sarifMessage       `json:"shortDescription"`
		HelpURI              string             `json:"helpUri,omitempty"`
		Help                 *sarifMessage      `json:"help,omitempty"`
		DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	}

	sarifConfiguration struct {
		Level string `json:"level"`
	}

	// sarifMessage is a message or multiformatMessageString: text only.
	sarifMessage struct {
		Text string `json:"text"`
	}

	sarifResult struct {
		RuleID           string           `json:"ruleId"`
		RuleIndex        int              `json:"ruleIndex"`
		Level            string           `json:"level"`
		Message          sarifMessage     `json:"message"`
		Locations        []sarifLocation  `json:"locations"`
		RelatedLocations []sarifLocation  `json:"relatedLocations,omitempty"`
		Fixes            []sarifFix       `json:"fixes,omitempty"`
		Properties       *sarifProperties `json:"properties,omitempty"`
	}

	// sarifProperties is a result's property bag: what a -profile says.
	sarifProperties struct {
		Profile *jsonProfile `json:"goroutinelint/profile,omitempty"`
	}

	sarifLocation struct {
		ID               int                   `json:"id,omitempty"` // related locations count from 1
		PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
		Message          *sarifMessage         `json:"message,omitempty"`
	}

	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           *sarifRegion          `json:"region,omitempty"`
	}

	sarifArtifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}

	// sarifRegion is a text region: 1-based lines, and 1-based columns in
	// UTF-16 code units (the run's columnKind); the end column is that of
	// the first character after the region, so an insertion point has
	// startColumn == endColumn.
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
		EndLine     int `json:"endLine,omitempty"`
		EndColumn   int `json:"endColumn,omitempty"`
	}

	sarifFix struct {
		Description     sarifMessage          `json:"description"`
		ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
	}

	sarifArtifactChange struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Replacements     []sarifReplacement    `json:"replacements"`
	}

	// sarifReplacement replaces deletedRegion, a region of the file as it
	// was analyzed, with insertedContent.
	sarifReplacement struct {
		DeletedRegion   sarifRegion  `json:"deletedRegion"`
		InsertedContent sarifMessage `json:"insertedContent"` // an artifactContent: text
	}
)

// printSARIF prints findings as a SARIF 2.1.0 log to stdout and returns
// the exit code, as printText would.
func (c *command) printSARIF(analyzers []*analysis.Analyzer, findings []finding) int {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep "<-" and "&http.Client" readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(c.sarifLog(analyzers, findings)); err != nil {
		panic(err) // plain structs of strings and ints always marshal
	}
	fmt.Fprint(c.stdout, b.String())
	if len(findings) > 0 {
		return exitFindings
	}
	return exitClean
}

// sarifLog builds the log of one run of analyzers that found findings.
func (c *command) sarifLog(analyzers []*analysis.Analyzer, findings []finding) sarifLog {
	cols := newColumnMapper()
	rules := sarifRules(analyzers, findings)
	if c.prof != nil && len(c.prof.runtimeOnly) > 0 {
		rules = append(rules, runtimeOnlySARIFRule())
		slices.SortFunc(rules, func(x, y sarifRule) int { return cmp.Compare(x.ID, y.ID) })
	}
	index := make(map[string]int, len(rules))
	for i, r := range rules {
		index[r.ID] = i
	}
	results := []sarifResult{}
	for _, f := range findings {
		id := ruleID(f.analyzer, f.diag.Category)
		results = append(results, sarifResult{
			RuleID:           id,
			RuleIndex:        index[id],
			Level:            "warning",
			Message:          sarifMessage{Text: sarifText(f.diag)},
			Locations:        []sarifLocation{{PhysicalLocation: c.sarifPhysical(cols, f.fset, f.diag.Pos, f.diag.End)}},
			RelatedLocations: c.sarifRelated(cols, f),
			Fixes:            c.sarifFixes(cols, f),
			Properties:       sarifProfile(toJSONProfile(f.profile)),
		})
	}
	results = append(results, c.runtimeOnlySARIF(index)...)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           progName,
			InformationURI: projectURI,
			Version:        moduleVersion(),
			Rules:          rules,
		}},
		ColumnKind: "utf16CodeUnits",
		Results:    results,
	}
	if c.cwd != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{sarifSrcRoot: {URI: fileURI(c.cwd) + "/"}}
	}
	return sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}
}

// sarifRules returns the rules of a run, sorted by id: one per analyzer,
// which the findings without a category use, and one per analyzer and
// category that the findings use, "<pass>/<category>". Categories are
// known only from diagnostics, so a category appears once it is reported.
func sarifRules(analyzers []*analysis.Analyzer, findings []finding) []sarifRule {
	byName := make(map[string]*analysis.Analyzer, len(analyzers))
	var rules []sarifRule
	for _, a := range analyzers {
		byName[a.Name] = a
		rules = append(rules, newSARIFRule(a.Name, a, a.URL))
	}
	seen := make(map[string]bool)
	for _, f := range findings {
		id := ruleID(f.analyzer, f.diag.Category)
		a, ok := byName[f.analyzer]
		if !ok || f.diag.Category == "" || seen[id] {
			continue // the pass's own rule, or one made already
		}
		seen[id] = true
		rules = append(rules, newSARIFRule(id, a, resolveURL(a.URL, f.diag)))
	}
	slices.SortFunc(rules, func(x, y sarifRule) int { return cmp.Compare(x.ID, y.ID) })
	return rules
}

// newSARIFRule returns the rule id of analyzer a, documented at helpURI.
func newSARIFRule(id string, a *analysis.Analyzer, helpURI string) sarifRule {
	r := sarifRule{
		ID:                   id,
		ShortDescription:     sarifMessage{Text: docTitle(a)},
		HelpURI:              helpURI,
		DefaultConfiguration: sarifConfiguration{Level: "warning"},
	}
	if doc := strings.TrimSpace(a.Doc); doc != "" {
		r.Help = &sarifMessage{Text: doc}
	}
	return r
}

// ruleID returns the id of the rule of a pass's diagnostics of category.
func ruleID(pass, category string) string {
	if category == "" {
		return pass
	}
	return pass + "/" + category
}

// resolveURL returns the documentation URL of d, as go/analysis drivers
// resolve it (see analysis.Diagnostic.URL): d.URL, or "#"+d.Category when
// d.URL is empty, resolved against the analyzer's URL. The checker has
// resolved d.URL already; resolving an absolute URL again keeps it.
func resolveURL(base string, d analysis.Diagnostic) string {
	raw := d.URL
	if raw == "" && d.Category != "" {
		raw = "#" + d.Category
	}
	b, err1 := url.Parse(base)
	u, err2 := url.Parse(raw)
	if err1 != nil || err2 != nil {
		return base // the checker rejects invalid URLs before this
	}
	return b.ResolveReference(u).String()
}

// sarifText returns the result message: the diagnostic's message, then
// one line per related location linking to it ("[message](id)"), since
// viewers such as GitHub show related locations only when the message
// links to them. Brackets and backslashes are escaped, as SARIF's
// embedded-link syntax requires.
func sarifText(d analysis.Diagnostic) string {
	var b strings.Builder
	b.WriteString(escapeSARIF(d.Message))
	for i, r := range d.Related {
		fmt.Fprintf(&b, "\n[%s](%d)", escapeSARIF(r.Message), i+1)
	}
	return b.String()
}

// sarifEscaper escapes the characters of SARIF's embedded-link syntax.
var sarifEscaper = strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`)

// escapeSARIF escapes text for a SARIF message that may hold links.
func escapeSARIF(text string) string { return sarifEscaper.Replace(text) }

// sarifRelated returns the related locations of f, with ids from 1.
func (c *command) sarifRelated(cols *columnMapper, f finding) []sarifLocation {
	var out []sarifLocation
	for i, r := range f.diag.Related {
		out = append(out, sarifLocation{
			ID:               i + 1,
			PhysicalLocation: c.sarifPhysical(cols, f.fset, r.Pos, r.End),
			Message:          &sarifMessage{Text: r.Message},
		})
	}
	return out
}

// sarifFixes returns the suggested fixes of f, each with one artifact
// change per file, in the order the fix first edits the files.
func (c *command) sarifFixes(cols *columnMapper, f finding) []sarifFix {
	var out []sarifFix
	for _, fix := range f.diag.SuggestedFixes {
		sf := sarifFix{Description: sarifMessage{Text: fix.Message}}
		byFile := make(map[string]int) // file name -> index in ArtifactChanges
		for _, e := range fix.TextEdits {
			file := f.fset.File(e.Pos)
			if file == nil {
				continue // not a position in any file: nothing to apply
			}
			i, ok := byFile[file.Name()]
			if !ok {
				i = len(sf.ArtifactChanges)
				byFile[file.Name()] = i
				sf.ArtifactChanges = append(sf.ArtifactChanges, sarifArtifactChange{ArtifactLocation: c.sarifArtifact(file.Name())})
			}
			change := &sf.ArtifactChanges[i]
			change.Replacements = append(change.Replacements, sarifReplacement{
				DeletedRegion:   cols.region(f.fset, e.Pos, cmp.Or(e.End, e.Pos), false),
				InsertedContent: sarifMessage{Text: string(e.NewText)},
			})
		}
		if len(sf.ArtifactChanges) > 0 {
			out = append(out, sf) // a fix with no edits says nothing to apply
		}
	}
	return out
}

// sarifPhysical returns the location of the range [pos, end), or of the
// point pos when end is not set.
func (c *command) sarifPhysical(cols *columnMapper, fset *token.FileSet, pos, end token.Pos) sarifPhysicalLocation {
	start := fset.Position(pos)
	loc := sarifPhysicalLocation{ArtifactLocation: c.sarifArtifact(start.Filename)}
	if start.Line > 0 {
		r := cols.region(fset, pos, end, true)
		loc.Region = &r
	}
	return loc
}

// sarifArtifact returns the location of the named file: relative to
// %SRCROOT%, the working directory, when it lies under it, and an absolute
// file URI otherwise.
func (c *command) sarifArtifact(name string) sarifArtifactLocation {
	if rel := c.relFile(name); rel != name || !filepath.IsAbs(name) {
		return sarifArtifactLocation{URI: (&url.URL{Path: filepath.ToSlash(rel)}).String(), URIBaseID: sarifSrcRoot}
	}
	return sarifArtifactLocation{URI: fileURI(name)}
}

// fileURI returns the file URI of an absolute file name.
func fileURI(name string) string {
	p := filepath.ToSlash(name)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// A columnMapper converts Go's byte columns to UTF-16 columns, reading
// each file once. Where a file cannot be read, byte columns stand, which
// is exact for ASCII lines.
type columnMapper struct {
	files map[string][]byte // nil: unreadable
}

// newColumnMapper returns an empty columnMapper.
func newColumnMapper() *columnMapper {
	return &columnMapper{files: make(map[string][]byte)}
}

// region returns the SARIF region of [pos, end), or of the point pos when
// end is not set or lies before pos or in another file (a synthetic end).
// With adjusted, lines and columns follow //line directives, as the
// diagnostic's position does in every output; edits refer to the bytes of
// the file itself, so fixes use unadjusted positions.
func (m *columnMapper) region(fset *token.FileSet, pos, end token.Pos, adjusted bool) sarifRegion {
	if !end.IsValid() || end < pos || fset.File(end) != fset.File(pos) {
		end = pos
	}
	start, stop := fset.PositionFor(pos, adjusted), fset.PositionFor(end, adjusted)
	if stop.Filename != start.Filename || stop.Line < start.Line {
		stop = start // a //line directive between them
	}
	r := sarifRegion{StartLine: start.Line, EndLine: stop.Line}
	if start.Column > 0 && stop.Column > 0 {
		r.StartColumn = m.column(fset, pos, start)
		r.EndColumn = max(m.column(fset, end, stop), 1)
	}
	return r
}

// column returns the UTF-16 column of pos, whose position as reported is
// posn: the byte column of posn, less the bytes beyond the first of each
// character before pos on its line, as UTF-16 counts them.
func (m *columnMapper) column(fset *token.FileSet, pos token.Pos, posn token.Position) int {
	raw := fset.PositionFor(pos, false) // the file's own bytes
	content, ok := m.files[raw.Filename]
	if !ok {
		content, _ = os.ReadFile(raw.Filename)
		m.files[raw.Filename] = content
	}
	lineStart := raw.Offset - (raw.Column - 1)
	if content == nil || lineStart < 0 || raw.Offset > len(content) {
		return posn.Column
	}
	units := 0
	for s := content[lineStart:raw.Offset]; len(s) > 0; {
		r, size := utf8.DecodeRune(s) // an invalid byte is RuneError: one unit
		units += utf16.RuneLen(r)
		s = s[size:]
	}
	return posn.Column - (raw.Column - 1 - units)
}
