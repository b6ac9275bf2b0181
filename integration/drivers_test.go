package integration

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goroutinelint/goroutinelint/internal/corpus"
)

// TestDriversAgreeOnCorpus runs the standalone command on corpus modules
// (raft and nats unless GOROUTINELINT_DRIVER_MODULES names others, or
// "all") with its default driver (package by package in one process,
// results cached) and
// with -whole-program (every package in one process), in text and in JSON,
// and checks that the outputs and exit codes are byte-identical (issue
// 16).
func TestDriversAgreeOnCorpus(t *testing.T) {
	requireHeavy(t)
	bin := buildTool(t)
	root := filepath.Join(os.TempDir(), "goroutinelint-corpus")
	only := strings.Split(os.Getenv("GOROUTINELINT_DRIVER_MODULES"), ",")
	if only[0] == "" {
		// Four whole runs of every module would take most of CI's hour
		// (grpc alone runs for minutes and gigabytes per whole-program
		// run); the two small modules the corpus test also runs cover the
		// drivers' agreement on real code. "all" runs every module.
		only = []string{"raft", "nats"}
	}
	for _, m := range corpus.Modules {
		if only[0] != "all" && !slices.Contains(only, m.Name) {
			continue // not asked for
		}
		t.Run(m.Name, func(t *testing.T) {
			dir, err := corpus.Fetch(root, m)
			if err != nil {
				t.Fatal(err)
			}
			// A cache of its own: the first run analyses, the second
			// (-json) replays.
			env := append(slices.Clip(corpus.Env), "GOROUTINELINT_CACHE="+t.TempDir())
			for _, args := range [][]string{{"./..."}, {"-json", "./..."}} {
				vet, vetCode := run(t, dir, env, bin, args...)
				whole, wholeCode := run(t, dir, corpus.Env, bin, append([]string{"-whole-program"}, args...)...)
				if vet != whole || vetCode != wholeCode {
					t.Errorf("%s %s: exit %d with go vet, %d whole-program; outputs differ:\n%s\n---\n%s",
						m.Name, strings.Join(args, " "), vetCode, wholeCode, tail(vet, 3000), tail(whole, 3000))
				}
				if vetCode != 0 && vetCode != 1 {
					t.Errorf("%s %s: exit %d:\n%s", m.Name, strings.Join(args, " "), vetCode, tail(vet, 3000))
				}
			}
		})
	}
}
