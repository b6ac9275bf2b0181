// Command floor is a go vet tool (go vet -vettool=...) that runs only the
// benchmark's floor analyzer, ssafloor: SSA for every package and a fact
// exchange, no analysis. Its cost is the least a goroutinelint vet run can
// cost; see scripts/bench.
package main

import (
	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/goroutinelint/goroutinelint/scripts/bench/internal/ssafloor"
)

func main() { unitchecker.Main(ssafloor.Analyzer) }
