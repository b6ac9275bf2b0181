package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommittedTriageParses keeps the committed table well formed: five
// columns, a known verdict and a reason on every row, each module known.
func TestCommittedTriageParses(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "scripts", "corpus", "triage.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadTriage(f)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, m := range Modules {
		known[m.Name] = true
	}
	for _, r := range rows {
		if !known[r.Module] {
			t.Errorf("triage row for unknown module %q", r.Module)
		}
	}
}

func TestReadTriageRejects(t *testing.T) {
	for _, bad := range []string{
		"raft\ta.go:1:1\tnoexit\ttrue\n",           // four columns
		"raft\ta.go:1:1\tnoexit\tmaybe\tbecause\n", // unknown verdict
		"raft\ta.go:1:1\tnoexit\tfalse\t\n",        // no reason
	} {
		if _, err := ReadTriage(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadTriage(%q) accepted a bad row", bad)
		}
	}
	rows, err := ReadTriage(strings.NewReader("# comment\n\nraft\ta.go:1:1\tnoexit\trisk\tdaemon per call\n"))
	if err != nil || len(rows) != 1 || rows["raft a.go:1:1 noexit"].Verdict != VerdictRisk {
		t.Errorf("ReadTriage of a good table: %v, %v", rows, err)
	}
}
