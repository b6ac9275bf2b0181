package main

import (
	"cmp"
	"fmt"
	"go/format"
	"go/token"
	"maps"
	"os"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// An edit replaces the bytes [start, end) of a file with text.
type edit struct {
	start, end int
	text       string
}

// compareEdits orders edits by position; an insertion comes before a
// replacement that starts at the same offset.
func compareEdits(a, b edit) int {
	return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end))
}

// conflicts reports whether two different edits cannot both be applied
// with a clear result: their ranges overlap, or both insert at one point.
func conflicts(a, b edit) bool {
	if a.start < b.end && b.start < a.end {
		return true
	}
	return a.start == b.start && a.start == a.end && b.start == b.end
}

// A fixPlan accumulates the edits of the fixes chosen so far, by file.
type fixPlan struct {
	edits   map[string][]edit
	sizes   map[string]int   // file sizes the edits' offsets refer to
	touches map[string][]int // indices of the findings whose fixes edit a file
}

// applyFixes applies the first suggested fix of each finding, or with
// -diff prints the changes, prints the findings left unfixed, and returns
// the exit code. Edits that duplicate an accepted edit exactly (the same
// import added twice) are applied once; a fix that overlaps an accepted one
// is skipped with a warning, and its finding stays unfixed.
func (c *command) applyFixes(findings []finding) int {
	plan := &fixPlan{edits: make(map[string][]edit), sizes: make(map[string]int), touches: make(map[string][]int)}
	fixed := make([]bool, len(findings))
	for i, f := range findings {
		if len(f.diag.SuggestedFixes) == 0 {
			continue // nothing to apply: printed below
		}
		fix := f.diag.SuggestedFixes[0]
		if !plan.add(i, f.fset, fix) {
			fmt.Fprintf(c.stderr, "%s: %s: fix %q not applied: it overlaps another fix; run again to apply it\n",
				progName, c.textPos(f.posn), fix.Message)
			continue
		}
		fixed[i] = true
	}

	var changes []fileChange
	for _, name := range slices.Sorted(maps.Keys(plan.edits)) {
		change, err := plan.apply(name)
		if err != nil {
			fmt.Fprintf(c.stderr, "%s: %v\n", progName, err)
			return exitError
		}
		if change.err != nil {
			fmt.Fprintf(c.stderr, "%s: %s left unchanged: the fixed file does not parse: %v\n", progName, c.relFile(name), change.err)
			for _, i := range plan.touches[name] {
				fixed[i] = false
			}
			continue
		}
		changes = append(changes, change)
	}

	code := exitClean
	if c.diff {
		if c.printDiffs(changes) {
			code = exitFindings
		}
	} else if err := writeChanges(changes); err != nil {
		fmt.Fprintf(c.stderr, "%s: %v\n", progName, err)
		return exitError
	}
	var unfixed strings.Builder
	for i, f := range findings {
		if !fixed[i] {
			c.writeFinding(&unfixed, f)
			code = exitFindings
		}
	}
	fmt.Fprint(c.stderr, unfixed.String())
	return code
}

// add adds the edits of fix, the fix of finding i, to the plan unless one
// of them conflicts with an edit already in it. Exact duplicates of edits
// in the plan are dropped.
func (p *fixPlan) add(i int, fset *token.FileSet, fix analysis.SuggestedFix) bool {
	byFile := make(map[string][]edit)
	for _, te := range fix.TextEdits {
		file := fset.File(te.Pos)
		if file == nil {
			return false // not a position in any file: nothing sensible to apply
		}
		e := edit{start: file.Offset(te.Pos), end: file.Offset(cmp.Or(te.End, te.Pos)), text: string(te.NewText)}
		if slices.Contains(p.edits[file.Name()], e) {
			continue // already applied through another finding
		}
		for _, old := range p.edits[file.Name()] {
			if conflicts(old, e) {
				return false
			}
		}
		byFile[file.Name()] = append(byFile[file.Name()], e)
		p.sizes[file.Name()] = file.Size()
	}
	for name, edits := range byFile {
		p.edits[name] = append(p.edits[name], edits...)
		p.touches[name] = append(p.touches[name], i)
	}
	return true
}

// A fileChange is the content of a file before and after its fixes. err
// says why the fixed content is unusable.
type fileChange struct {
	name          string
	before, after []byte
	err           error
}

// apply applies the plan's edits to the named file and formats the result.
// It returns an error if the file cannot be read or changed since it was
// analyzed; a result that does not parse is reported in fileChange.err.
func (p *fixPlan) apply(name string) (fileChange, error) {
	before, err := os.ReadFile(name)
	if err != nil {
		return fileChange{}, err
	}
	if len(before) != p.sizes[name] {
		return fileChange{}, fmt.Errorf("%s changed while it was analyzed; no fix applied to it", name)
	}
	edits := slices.Clone(p.edits[name])
	slices.SortStableFunc(edits, compareEdits) // stable: a fix's own insertions at one point keep their order
	var b []byte
	last := 0
	for _, e := range edits {
		b = append(b, before[last:e.start]...)
		b = append(b, e.text...)
		last = e.end
	}
	b = append(b, before[last:]...)
	after, err := format.Source(b)
	return fileChange{name: name, before: before, after: after, err: err}, nil
}

// printDiffs prints the changes as unified diffs to stdout and reports
// whether any file changes.
func (c *command) printDiffs(changes []fileChange) bool {
	var b strings.Builder
	for _, ch := range changes {
		oldName, newName := ch.name, ch.name
		if rel := c.relFile(ch.name); rel != ch.name {
			oldName, newName = "a/"+rel, "b/"+rel
		}
		b.WriteString(unifiedDiff(oldName, newName, string(ch.before), string(ch.after)))
	}
	fmt.Fprint(c.stdout, b.String())
	return b.Len() > 0
}

// writeChanges writes each changed file in place.
func writeChanges(changes []fileChange) error {
	for _, ch := range changes {
		if string(ch.before) == string(ch.after) {
			continue // the fixes cancelled out
		}
		if err := os.WriteFile(ch.name, ch.after, 0o666); err != nil {
			return err
		}
	}
	return nil
}
