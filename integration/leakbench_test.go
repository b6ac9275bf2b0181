package integration

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// leakbenchRuns is how many times the heavy test runs each case of the
// runtime's leak tests: enough to observe most listed goroutines, few
// enough to stay within minutes (the benchmark itself defaults to the
// runtime test's 3 or 11).
const leakbenchRuns = "2"

// TestLeakBench runs the leak benchmark (scripts/leakbench) on the Go
// runtime's goroutine-leak test program: every finding on a goroutine the
// runtime test does not list must be triaged true in
// scripts/leakbench/triage.tsv, and the listed goroutines found per
// category must not fall below scripts/leakbench/floor.tsv, so that an
// engine change that loses findings fails. Findings triaged false must not
// outnumber the floor's ceiling line (falseCeiling): the baseline has
// known false ones, listed in the triage, that the engine work removes, and
// any new one fails. The first
// run builds the program's GOEXPERIMENT=goroutineleakprofile standard
// library (minutes); later runs reuse the cached binaries.
func TestLeakBench(t *testing.T) {
	requireHeavy(t)
	root := repoRoot(t)
	bin := buildTool(t)
	out := filepath.Join(t.TempDir(), "leakbench.json")
	log, code := run(t, root, nil, "go", "run", "./scripts/leakbench", "-n", leakbenchRuns, "-lint", bin, "-json", out)
	if code != 0 && code != 1 {
		t.Fatalf("go run ./scripts/leakbench (exit %d):\n%s", code, log)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no results (%v):\n%s", err, log)
	}
	var res struct {
		Rows []struct {
			Category string `json:"category"`
			Listed   int    `json:"listed"`
			Observed int    `json:"observed"`
			Found    int    `json:"found"`
			FoundAll int    `json:"found_all"`
		} `json:"rows"`
		Untriaged []struct{ Pos, Check, Message string }      `json:"untriaged"`
		False     []struct{ Pos, Check, Message, Why string } `json:"false"`
		Failures  []string                                    `json:"failures"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Untriaged {
		t.Errorf("untriaged finding: %s %s: %s (triage it in scripts/leakbench/triage.tsv; -update adds it)", f.Pos, f.Check, f.Message)
	}
	for _, f := range res.Failures {
		t.Errorf("a run of the test program failed: %s", f)
	}
	floor := readFloor(t, filepath.Join(root, "scripts", "leakbench", "floor.tsv"))
	ceiling, ok := floor[falseCeiling]
	if !ok {
		t.Fatalf("floor.tsv has no %q line", falseCeiling)
	}
	delete(floor, falseCeiling)
	for _, f := range res.False {
		t.Logf("known false finding: %s %s: %s (%s)", f.Pos, f.Check, f.Message, f.Why)
	}
	if len(res.False) > ceiling {
		t.Errorf("%d findings triaged false, more than the ceiling of %d (see the log above)", len(res.False), ceiling)
	}
	seen := map[string]bool{}
	for _, r := range res.Rows {
		seen[r.Category] = true
		t.Logf("%-24s listed %3d  observed %3d  found %3d  found (all listed) %3d", r.Category, r.Listed, r.Observed, r.Found, r.FoundAll)
		if lowest, ok := floor[r.Category]; ok && r.FoundAll < lowest {
			t.Errorf("%s: %d listed goroutines found, below the floor of %d", r.Category, r.FoundAll, lowest)
		}
	}
	for c := range floor {
		if !seen[c] {
			t.Errorf("floor category %q is not in the results", c)
		}
	}
}

// falseCeiling names the floor file's line that bounds the findings
// triaged false from above.
const falseCeiling = "false findings (at most)"

// readFloor reads the committed floor: category, minimum found (and the
// falseCeiling line, a maximum).
func readFloor(t *testing.T, path string) map[string]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	floor := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue // comment
		}
		cat, n, ok := strings.Cut(line, "\t")
		lowest, err := strconv.Atoi(n)
		if !ok || err != nil {
			t.Fatalf("%s: bad line %q", path, line)
		}
		floor[cat] = lowest
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(floor) == 0 {
		t.Fatalf("%s: empty floor", path)
	}
	return floor
}
