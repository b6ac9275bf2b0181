package integration

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/goroutinelint/goroutinelint/internal/corpus"
)

// TestCorpusTriaged runs goroutinelint over the small modules of the real
// corpus, fetched from the module proxy, standalone and under go vet: no
// crash in either mode, and every finding is in
// the committed triage table (scripts/corpus/triage.tsv) with a verdict, so
// a change that adds or moves findings on real code must be triaged.
func TestCorpusTriaged(t *testing.T) {
	requireHeavy(t)
	f, err := os.Open(filepath.Join(repoRoot(t), "scripts", "corpus", "triage.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	triage, err := corpus.ReadTriage(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	bin := buildTool(t)
	root := filepath.Join(os.TempDir(), "goroutinelint-corpus")
	for _, m := range corpus.Modules {
		if !m.Small {
			continue // the full corpus is for scripts/corpus and the benchmark
		}
		t.Run(m.Name, func(t *testing.T) {
			dir, err := corpus.Fetch(root, m)
			if err != nil {
				t.Fatal(err)
			}
			found, err := corpus.Run(bin, dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range found {
				if _, ok := triage[corpus.Key(m.Name, f)]; !ok {
					t.Errorf("untriaged finding: %s\t%s\t%s\t%s (add it to scripts/corpus/triage.tsv)", m.Name, f.Pos, f.Check, f.Message)
				}
			}
			t.Logf("%s %s: %d findings", m.Name, m.Version, len(found))
			// Vet mode runs the passes over every dependency too, one
			// process per package, and is where a data race between
			// passes first showed as a fatal error.
			out, code := run(t, dir, corpus.Env, "go", "vet", "-vettool="+uncachedVetTool(t, bin), "./...")
			checkSweep(t, "go vet -vettool=goroutinelint ./... in "+m.Name, out, code)
		})
	}
}
