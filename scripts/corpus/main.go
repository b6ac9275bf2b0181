// Command corpus fetches goroutinelint's real-world corpus from the Go
// module proxy, runs goroutinelint over each module (tests included, as go
// vet does) and prints the findings per module and check, with the
// committed triage's verdicts:
//
//	go run ./scripts/corpus                 # every module
//	go run ./scripts/corpus raft nats       # some
//	go run ./scripts/corpus -findings raft  # also every finding, for triage
//
// The corpus lives in ${TMPDIR:-/tmp}/goroutinelint-corpus (-dir). The
// triage table is scripts/corpus/triage.tsv.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"text/tabwriter"

	"github.com/goroutinelint/goroutinelint/internal/corpus"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("corpus: ")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "goroutinelint-corpus"), "where the modules are fetched")
	findings := flag.Bool("findings", false, "print every finding with its verdict")
	triagePath := flag.String("triage", filepath.Join("scripts", "corpus", "triage.tsv"), "the triage table")
	flag.Parse()

	triage := readTriage(*triagePath)
	bin := buildTool(*dir)
	w := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(w, "module\tversion\tclienttimeout\tnoexit\tunguardedsend\ttotal\ttrue\trisk\tfalse\tuntriaged")
	for _, m := range corpus.Modules {
		if flag.NArg() > 0 && !slices.Contains(flag.Args(), m.Name) {
			continue
		}
		modDir, err := corpus.Fetch(*dir, m)
		if err != nil {
			log.Fatal(err)
		}
		found, err := corpus.Run(bin, modDir)
		if err != nil {
			log.Fatal(err)
		}
		perCheck := map[string]int{}
		verdicts := map[string]int{}
		for _, f := range found {
			perCheck[f.Check]++
			t, ok := triage[corpus.Key(m.Name, f)]
			verdict := "untriaged"
			if ok {
				verdict = t.Verdict
			}
			verdicts[verdict]++
			if *findings {
				fmt.Fprintf(os.Stderr, "%s\t%s\t%s\t%s\t%s\n", m.Name, f.Pos, f.Check, verdict, f.Message)
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", m.Name, m.Version,
			perCheck["clienttimeout"], perCheck["noexit"], perCheck["unguardedsend"], len(found),
			verdicts[corpus.VerdictTrue], verdicts[corpus.VerdictRisk], verdicts[corpus.VerdictFalse], verdicts["untriaged"])
		w.Flush()
	}
}

// readTriage reads the triage table, or an empty one if there is none yet.
func readTriage(path string) map[string]corpus.Triage {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	rows, err := corpus.ReadTriage(f)
	if err != nil {
		log.Fatal(err)
	}
	return rows
}

// buildTool builds this checkout's goroutinelint into dir/bin.
func buildTool(dir string) string {
	bin := filepath.Join(dir, "bin", "goroutinelint")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/goroutinelint")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("building goroutinelint (run from the repository root): %v", err)
	}
	return bin
}
