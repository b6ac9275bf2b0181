package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/goroutinelint/goroutinelint/internal/profile"
)

// profileTimeout bounds the fetch of a -profile URL.
const profileTimeout = 30 * time.Second

// runtimeOnlyRule names the goroutines a profile shows blocked in the
// analysed code that no finding explains, in -json and -sarif output.
const runtimeOnlyRule = "runtime-only"

// runtimeOnlyURL documents them.
const runtimeOnlyURL = projectURI + "#confirm-findings-on-a-running-server"

// A profileStatus is what a -profile says about one finding: nil when no
// -profile was given, a nil confirmed when the profile does not show it.
type profileStatus struct {
	confirmed *profile.Confirmation
}

// A profileRun holds the profile of a run and what it says beyond the
// findings.
type profileRun struct {
	prof        *profile.Profile
	runtimeOnly []profile.Group
	code        *profile.Code
}

// loadProfile loads the -profile source, printing why it cannot.
func (c *command) loadProfile() (*profileRun, bool) {
	source := c.profile
	if !strings.Contains(source, "://") && !filepath.IsAbs(source) && c.cwd != "" {
		source = filepath.Join(c.cwd, source) // a file relative to the working directory
	}
	prof, err := profile.Load(context.Background(), source, profileTimeout)
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: cannot read the profile %s: %v\n", progName, c.profile, err)
		return nil, false
	}
	return &profileRun{prof: prof}, true
}

// matchProfile joins the profile with the findings of the analysis of
// pkgs: it sets each finding's status and keeps the groups no finding
// explains. A profile in which no goroutine runs analysed code changes
// nothing, and says so.
func (c *command) matchProfile(pr *profileRun, pkgs []*packages.Package, findings []finding) {
	pr.code = profile.NewCode(pkgs)
	in := make([]profile.Finding, len(findings))
	for i, f := range findings {
		in[i] = profile.Finding{Check: f.analyzer, Posn: f.fset.PositionFor(f.diag.Pos, false)}
	}
	res := profile.Match(pr.prof, pr.code, in)
	if res.InCode == 0 {
		fmt.Fprintf(c.stderr, "%s: the profile %s shows no goroutine in the analysed packages (%s); it is not of this program, or not of this code\n",
			progName, c.profile, plural(res.Total, "goroutine"))
		return
	}
	for i := range findings {
		st := &profileStatus{}
		if conf, ok := res.Confirmed[i]; ok {
			st.confirmed = &conf
		}
		findings[i].profile = st
	}
	pr.runtimeOnly = res.RuntimeOnly
}

// confirmedText returns the note a text finding ends with, "" if none:
// "[confirmed: 1,204 goroutines blocked here, longest 12 minutes]".
func confirmedText(st *profileStatus) string {
	if st == nil || st.confirmed == nil {
		return ""
	}
	return "[confirmed: " + confirmationText(*st.confirmed) + "]"
}

// confirmationText describes a confirmation.
func confirmationText(conf profile.Confirmation) string {
	what := "goroutine"
	if conf.Leaked {
		what = "leaked goroutine"
	}
	where := "blocked here"
	if conf.Started {
		where = "started here"
	}
	s := plural(conf.Goroutines, what) + " " + where
	if conf.LongestWait > 0 {
		s += ", longest waiting " + plural(conf.LongestWait, "minute")
	}
	return s
}

// runtimeOnlyMessage describes a group no finding explains.
func runtimeOnlyMessage(g profile.Group) string {
	what := "goroutine"
	if g.Leaked {
		what = "leaked goroutine"
	}
	var detail []string
	if len(g.States) > 0 {
		detail = append(detail, strings.Join(g.States, ", "))
	}
	if g.LongestWait > 0 {
		detail = append(detail, "up to "+plural(g.LongestWait, "minute"))
	}
	msg := plural(g.Goroutines, what) + " blocked here"
	if len(detail) > 0 {
		msg += " (" + strings.Join(detail, ", ") + ")"
	}
	return msg + " that no finding explains [runtime only]"
}

// createdText returns where a group's goroutines were started, for a
// related line: in the analysed source, relative to the working directory;
// else as the profile names it.
func (c *command) createdText(g profile.Group) (string, bool) {
	switch {
	case g.CreatedPos != nil:
		return c.relFile(g.CreatedPos.File) + ":" + strconv.Itoa(g.CreatedPos.Line), true
	case g.Created != nil:
		return g.Created.File + ":" + strconv.Itoa(g.Created.Line), true
	}
	return "", false
}

// createdMessage is the related message of a creation site.
func createdMessage(g profile.Group) string {
	if g.Created == nil {
		return ""
	}
	return "created here by " + g.Created.Func
}

// writeRuntimeOnly writes the groups no finding explains, as findings.
func (c *command) writeRuntimeOnly(b *strings.Builder, pr *profileRun) {
	if pr == nil {
		return
	}
	for _, g := range pr.runtimeOnly {
		fmt.Fprintf(b, "%s:%d: %s\n", c.relFile(g.Blocked.File), g.Blocked.Line, runtimeOnlyMessage(g))
		if pos, ok := c.createdText(g); ok {
			fmt.Fprintf(b, "\t%s: %s\n", pos, createdMessage(g))
		}
	}
}

// plural returns "1 goroutine", "1,204 goroutines".
func plural(n int, noun string) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if n != 1 {
		noun += "s"
	}
	return s + " " + noun
}

// A jsonProfile is what a profile says about a finding or a group, in
// -json output; its Status is "confirmed", "not seen" or "runtime only".
type jsonProfile struct {
	Status      string   `json:"status"`
	Goroutines  int      `json:"goroutines,omitempty"`
	Leaked      bool     `json:"leaked,omitempty"`
	Started     bool     `json:"started,omitempty"`
	LongestWait int      `json:"longest_wait_minutes,omitempty"`
	States      []string `json:"states,omitempty"`
	Func        string   `json:"func,omitempty"`       // a group's blocked function
	CreatedBy   string   `json:"created_by,omitempty"` // a group's go statement's function
}

// toJSONProfile converts a finding's status.
func toJSONProfile(st *profileStatus) *jsonProfile {
	if st == nil {
		return nil
	}
	if st.confirmed == nil {
		return &jsonProfile{Status: "not seen"}
	}
	conf := st.confirmed
	return &jsonProfile{Status: "confirmed", Goroutines: conf.Goroutines, Leaked: conf.Leaked, Started: conf.Started, LongestWait: conf.LongestWait}
}

// groupJSONProfile converts a group no finding explains.
func groupJSONProfile(g profile.Group) *jsonProfile {
	out := &jsonProfile{Status: "runtime only", Goroutines: g.Goroutines, Leaked: g.Leaked, LongestWait: g.LongestWait, States: g.States, Func: g.Func}
	if g.Created != nil {
		out.CreatedBy = g.Created.Func
	}
	return out
}

// addRuntimeOnlyJSON adds the groups no finding explains to tree, under
// their package and the key runtime-only, positions as "file:line".
func (c *command) addRuntimeOnlyJSON(tree jsonTree) {
	if c.prof == nil {
		return
	}
	for _, g := range c.prof.runtimeOnly {
		pkg := c.prof.code.PackageOf(g.Blocked.File)
		byKey, ok := tree[pkg]
		if !ok {
			byKey = make(map[string][]jsonDiagnostic)
			tree[pkg] = byKey
		}
		posn := g.Blocked.File + ":" + strconv.Itoa(g.Blocked.Line)
		d := jsonDiagnostic{Category: runtimeOnlyRule, Posn: posn, End: posn, Message: runtimeOnlyMessage(g), Profile: groupJSONProfile(g)}
		if g.Created != nil {
			created := g.Created.File + ":" + strconv.Itoa(g.Created.Line)
			if g.CreatedPos != nil {
				created = g.CreatedPos.File + ":" + strconv.Itoa(g.CreatedPos.Line)
			}
			d.Related = append(d.Related, jsonRelated{Posn: created, End: created, Message: createdMessage(g)})
		}
		byKey[runtimeOnlyRule] = append(byKey[runtimeOnlyRule], d)
	}
}

// runtimeOnlySARIFRule is the SARIF rule of the groups no finding explains.
func runtimeOnlySARIFRule() sarifRule {
	return sarifRule{
		ID:                   runtimeOnlyRule,
		ShortDescription:     sarifMessage{Text: "goroutines a profile shows blocked in the analysed code that no finding explains"},
		HelpURI:              runtimeOnlyURL,
		DefaultConfiguration: sarifConfiguration{Level: "note"},
	}
}

// runtimeOnlySARIF returns the groups no finding explains as SARIF
// results, index giving each rule's index.
func (c *command) runtimeOnlySARIF(index map[string]int) []sarifResult {
	if c.prof == nil {
		return nil
	}
	var out []sarifResult
	for _, g := range c.prof.runtimeOnly {
		r := sarifResult{
			RuleID:     runtimeOnlyRule,
			RuleIndex:  index[runtimeOnlyRule],
			Level:      "note",
			Message:    sarifMessage{Text: escapeSARIF(runtimeOnlyMessage(g))},
			Locations:  []sarifLocation{{PhysicalLocation: c.sarifLine(g.Blocked.File, g.Blocked.Line)}},
			Properties: sarifProfile(groupJSONProfile(g)),
		}
		if g.CreatedPos != nil {
			r.Message.Text += "\n[" + escapeSARIF(createdMessage(g)) + "](1)"
			r.RelatedLocations = []sarifLocation{{
				ID:               1,
				PhysicalLocation: c.sarifLine(g.CreatedPos.File, g.CreatedPos.Line),
				Message:          &sarifMessage{Text: createdMessage(g)},
			}}
		}
		out = append(out, r)
	}
	return out
}

// sarifLine returns the location of a whole line of a file.
func (c *command) sarifLine(file string, line int) sarifPhysicalLocation {
	return sarifPhysicalLocation{ArtifactLocation: c.sarifArtifact(file), Region: &sarifRegion{StartLine: line}}
}

// sarifProfile returns the property bag holding p, or nil.
func sarifProfile(p *jsonProfile) *sarifProperties {
	if p == nil {
		return nil
	}
	return &sarifProperties{Profile: p}
}
