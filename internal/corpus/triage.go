package corpus

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Verdicts a triaged finding can have.
const (
	VerdictTrue  = "true"  // a real leak
	VerdictRisk  = "risk"  // a real risk a reviewer would fix
	VerdictFalse = "false" // a false positive
)

// A Triage is one row of the committed triage table.
type Triage struct {
	Module, Pos, Check, Verdict, Reason string
}

// key identifies the finding a triage row is about.
func (t Triage) key() string { return t.Module + " " + t.Pos + " " + t.Check }

// Key identifies a finding of module m for lookup in a triage table.
func Key(module string, f Finding) string { return module + " " + f.Pos + " " + f.Check }

// ReadTriage reads a tab-separated triage table: module, position, check,
// verdict, reason; lines starting with # are comments.
func ReadTriage(r io.Reader) (map[string]Triage, error) {
	rows := make(map[string]Triage)
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			return nil, fmt.Errorf("triage line %d: %d columns, want 5 (module, position, check, verdict, reason)", n, len(cols))
		}
		t := Triage{cols[0], cols[1], cols[2], cols[3], cols[4]}
		switch t.Verdict {
		case VerdictTrue, VerdictRisk, VerdictFalse:
		default:
			return nil, fmt.Errorf("triage line %d: verdict %q, want true, risk or false", n, t.Verdict)
		}
		if t.Reason == "" {
			return nil, fmt.Errorf("triage line %d: no reason", n)
		}
		rows[t.key()] = t
	}
	return rows, sc.Err()
}
