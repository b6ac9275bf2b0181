package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// checkFor returns the check whose findings can count for a goroutine
// blocked with the given wait reason: unguardedsend for a send, noexit for
// every other wait.
func checkFor(reason string) string {
	if strings.HasPrefix(reason, "chan send") {
		return "unguardedsend"
	}
	return "noexit"
}

// marks reports whether f marks the observed goroutine g: a finding of the
// matching check at its blocked line, or at its go statement with the
// blocked line among the related locations.
func marks(f finding, g goroutine) bool {
	if f.Check != checkFor(g.Reason) || g.Blocked == "" {
		return false
	}
	if line(f.Pos) == g.Blocked {
		return true
	}
	if g.Created == "" || line(f.Pos) != g.Created {
		return false
	}
	for _, r := range f.Related {
		if line(r) == g.Blocked {
			return true
		}
	}
	return false
}

// namesLeak reports whether f names the function l lists, with the
// matching check: the static score of a regexp no run observed.
func namesLeak(f finding, l *leak) bool {
	ok := false
	for _, r := range l.Reasons {
		ok = ok || f.Check == checkFor(r)
	}
	if !ok {
		return false
	}
	for _, n := range f.Names {
		if l.Func.MatchString(n + "(...)") {
			return true
		}
	}
	return false
}

// A score is the outcome for one listed regexp.
type score struct {
	Leak       *leak
	Observed   bool        // some run showed a goroutine it matches
	Goroutines []goroutine // the goroutines it matched
	Found      bool        // observed, and a finding marks one of its goroutines
	FoundAll   bool        // Found, or not observed and a finding names its function
	By         []string    // the positions of the findings that count
}

// A result is the whole benchmark's outcome.
type result struct {
	Scores   []*score
	Findings []finding
	Listed   map[string]bool // finding key -> it is on a listed goroutine
	Failures []string
	// NamesChecked go statements had their static entry name compared
	// with the runtime's; NamesWrong lists those that differ.
	NamesChecked int
	NamesWrong   []string
}

// scoreAll scores every listed regexp against the runs and the findings,
// and decides which findings are on listed goroutines.
func scoreAll(runs []*caseRun, fs []finding) *result {
	res := &result{Findings: fs, Listed: map[string]bool{}}
	for _, cr := range runs {
		res.Failures = append(res.Failures, cr.Failures...)
		for _, l := range cr.Case.Leaks {
			s := &score{Leak: l}
			for _, g := range cr.Goroutines {
				if l.Re.MatchString(g.leakString()) {
					s.Observed = true
					s.Goroutines = append(s.Goroutines, g)
				}
			}
			for _, f := range fs {
				hit := false
				for _, g := range s.Goroutines {
					hit = hit || marks(f, g)
				}
				named := namesLeak(f, l)
				if hit || named {
					res.Listed[f.key()] = true
				}
				if hit || (!s.Observed && named) {
					s.By = append(s.By, f.Pos)
				}
				s.Found = s.Found || hit
			}
			s.FoundAll = s.Found || (!s.Observed && len(s.By) > 0)
			res.Scores = append(res.Scores, s)
		}
	}
	return res
}

// listByName marks as listed the findings that name a regexp of any case,
// run or not, so that running some cases (go run ./scripts/leakbench Name)
// does not turn the other cases' findings into untriaged ones.
func (res *result) listByName(cases []*testCase, fs []finding) {
	for _, tc := range cases {
		for _, l := range tc.Leaks {
			for _, f := range fs {
				if namesLeak(f, l) {
					res.Listed[f.key()] = true
				}
			}
		}
	}
}

// A row is one category's line of the table.
type row struct {
	Category string `json:"category"`
	Listed   int    `json:"listed"`
	Observed int    `json:"observed"`
	Found    int    `json:"found"`     // among the observed, by position
	FoundAll int    `json:"found_all"` // among all listed: by position if observed, else by name
}

// channelCategory reports whether a wait reason is on a channel.
func channelCategory(c string) bool {
	return strings.HasPrefix(c, "chan ") || strings.HasPrefix(c, "select")
}

// table sums the scores per category, in the order of waitReasons, then
// the channel, sync and overall totals.
func (res *result) table() []row {
	by := map[string]*row{}
	for _, s := range res.Scores {
		c := s.Leak.Category()
		r := by[c]
		if r == nil {
			r = &row{Category: c}
			by[c] = r
		}
		r.Listed++
		if s.Observed {
			r.Observed++
		}
		if s.Found {
			r.Found++
		}
		if s.FoundAll {
			r.FoundAll++
		}
	}
	var rows []row
	ch, sy, all := row{Category: "channels"}, row{Category: "sync"}, row{Category: "all"}
	for _, c := range waitReasons {
		r := by[c]
		if r == nil {
			continue // no regexp lists it
		}
		rows = append(rows, *r)
		tot := &sy
		if channelCategory(c) {
			tot = &ch
		}
		for _, t := range []*row{tot, &all} {
			t.Listed += r.Listed
			t.Observed += r.Observed
			t.Found += r.Found
			t.FoundAll += r.FoundAll
		}
	}
	return append(rows, ch, sy, all)
}

// percent formats n/d as a percentage.
func percent(n, d int) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(d))
}

// printTable prints the per-category table.
func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "category\tlisted\tobserved\tfound\t% of observed\tfound (all listed)\t% of listed\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%d\t%s\t\n", r.Category, r.Listed, r.Observed,
			r.Found, percent(r.Found, r.Observed), r.FoundAll, percent(r.FoundAll, r.Listed))
	}
	tw.Flush()
}

// printScores prints every regexp with its outcome.
func printScores(w io.Writer, scores []*score) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "case\tregexp\tobserved\tfound\tby\tblocked at")
	for _, s := range scores {
		var blocked []string
		for _, g := range s.Goroutines {
			blocked = append(blocked, g.Blocked)
		}
		sort.Strings(blocked)
		blocked = dedup(blocked)
		found := "no"
		switch {
		case s.Found:
			found = "FOUND"
		case s.FoundAll:
			found = "found by name"
		}
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\t%s\n", s.Leak.Case.Name, s.Leak.Source, s.Observed, found,
			strings.Join(dedup(s.By), " "), strings.Join(blocked, " "))
	}
	tw.Flush()
}

// dedup removes adjacent duplicates.
func dedup(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// printFindings prints every finding with what it counts for: the
// regexps it is scored against, or its triage verdict.
func printFindings(w io.Writer, res *result, rows map[string]triageRow) {
	credits := map[string][]string{}
	for _, s := range res.Scores {
		for _, pos := range dedup(s.By) {
			credits[pos] = append(credits[pos], s.Leak.Case.Name+" "+s.Leak.Category())
		}
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "finding\tcheck\tcounts for\tmessage")
	for _, f := range res.Findings {
		what := strings.Join(credits[f.Pos], ", ")
		switch {
		case what != "":
		case res.Listed[f.key()]:
			what = "names a listed goroutine; not found in the cases run"
		default:
			what = "unlisted, untriaged"
			if r, ok := rows[f.key()]; ok {
				what = "unlisted, " + r.Verdict
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Pos, f.Check, what, f.Message)
	}
	tw.Flush()
}
