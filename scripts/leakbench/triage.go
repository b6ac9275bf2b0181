package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Verdicts of the triage table. A finding is true when some interleaving
// of the program leaves the goroutine blocked forever, false when none
// does. todo marks a row -update added and nobody has triaged yet.
const (
	verdictTrue  = "true"
	verdictFalse = "false"
	verdictTodo  = "todo"
)

// triageHeader opens the triage table.
const triageHeader = `# Triage of goroutinelint's findings on goroutines the runtime's leak test does not list
# (scripts/leakbench). Columns, tab-separated: kernel, position (relative to
# runtime/testdata/testgoroutineleakprofile), check, message, verdict (true or false),
# and the interleaving that blocks the goroutine (for false: why none does).
# go run ./scripts/leakbench -update adds new findings as todo and drops vanished ones.
`

// A triageRow is one line of the table.
type triageRow struct {
	Kernel, Pos, Check, Message, Verdict, Why string
}

// key identifies the finding the row is about, as finding.key does.
func (r triageRow) key() string { return r.Pos + "\t" + r.Check + "\t" + r.Message }

// readTriage reads the table; a missing file is an empty table.
func readTriage(path string) (map[string]triageRow, error) {
	rows := map[string]triageRow{}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return rows, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue // comment
		}
		cols := strings.Split(text, "\t")
		if len(cols) != 6 {
			return nil, fmt.Errorf("%s:%d: %d columns, want 6", path, n, len(cols))
		}
		r := triageRow{cols[0], cols[1], cols[2], cols[3], cols[4], cols[5]}
		switch r.Verdict {
		case verdictTrue, verdictFalse, verdictTodo:
		default:
			return nil, fmt.Errorf("%s:%d: verdict %q, want true, false or todo", path, n, r.Verdict)
		}
		if r.Verdict != verdictTodo && strings.TrimSpace(r.Why) == "" {
			return nil, fmt.Errorf("%s:%d: a %s verdict without its interleaving", path, n, r.Verdict)
		}
		rows[r.key()] = r
	}
	return rows, sc.Err()
}

// writeTriage writes the rows for the findings that still exist, adding
// the unlisted findings the table lacks as todo.
func writeTriage(path string, rows map[string]triageRow, res *result) error {
	var out []triageRow
	for _, f := range res.Findings {
		r, ok := rows[f.key()]
		if !ok {
			if res.Listed[f.key()] {
				continue // scored against the test's list, not triaged
			}
			r = triageRow{kernel(f.Pos), f.Pos, f.Check, f.Message, verdictTodo, ""}
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	var b strings.Builder
	b.WriteString(triageHeader)
	for _, r := range out {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Kernel, r.Pos, r.Check, r.Message, r.Verdict, r.Why)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// unlisted returns the findings on goroutines the test does not list,
// split by their triage: untriaged (no row, or todo), and false.
func unlisted(res *result, rows map[string]triageRow) (untriaged []finding, falses []triageRow, trues int) {
	for _, f := range res.Findings {
		if res.Listed[f.key()] {
			continue // scored
		}
		r, ok := rows[f.key()]
		switch {
		case !ok || r.Verdict == verdictTodo:
			untriaged = append(untriaged, f)
		case r.Verdict == verdictFalse:
			falses = append(falses, r)
		default:
			trues++
		}
	}
	return untriaged, falses, trues
}
