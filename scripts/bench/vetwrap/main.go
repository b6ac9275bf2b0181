// Command vetwrap is a go vet tool that runs another one and records what
// each of its package runs cost: scripts/bench -perpkg passes it as
// -vettool, with the real tool in $BENCH_VETWRAP_TOOL, and reads the lines
// it appends to $BENCH_VETWRAP_OUT, one per package run (a single *.cfg
// argument):
//
//	<package ID>\t<VetxOnly>\t<user s>\t<sys s>\t<wall s>
//
// The ID is the go command's (p, "p [p.test]", "p_test [p.test]"), so that
// a package and its test variants stay apart; VetxOnly is true for a
// dependency analysed for its facts only. The CPU is the child's rusage
// (user and system time of that one process), which load from other jobs
// on the machine affects far less than wall time. The handshake calls
// (-V=full, -flags) pass through unrecorded; the child's exit code is
// vetwrap's.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

func main() {
	tool, out := os.Getenv("BENCH_VETWRAP_TOOL"), os.Getenv("BENCH_VETWRAP_OUT")
	if tool == "" || out == "" {
		fmt.Fprintln(os.Stderr, "vetwrap: BENCH_VETWRAP_TOOL and BENCH_VETWRAP_OUT must be set (see scripts/bench -perpkg)")
		os.Exit(2)
	}
	args := os.Args[1:]
	cmd := exec.Command(tool, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "vetwrap:", err)
		os.Exit(2)
	}
	if len(args) > 0 && strings.HasSuffix(args[len(args)-1], ".cfg") {
		if err := record(out, args[len(args)-1], cmd.ProcessState, wall); err != nil {
			fmt.Fprintln(os.Stderr, "vetwrap:", err)
			os.Exit(2)
		}
	}
	os.Exit(cmd.ProcessState.ExitCode())
}

// record appends the line of one package run, described by the vet
// config file cfg, to the file out. Lines are short and written with one
// append each, so that the concurrent runs of go vet do not interleave
// them.
func record(out, cfg string, ps *os.ProcessState, wall time.Duration) error {
	data, err := os.ReadFile(cfg)
	if err != nil {
		return err
	}
	var c struct {
		ID       string
		VetxOnly bool
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return fmt.Errorf("%s: %v", cfg, err)
	}
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return fmt.Errorf("no rusage for %s", c.ID)
	}
	line := fmt.Sprintf("%s\t%v\t%.3f\t%.3f\t%.3f\n", c.ID, c.VetxOnly,
		time.Duration(ru.Utime.Nano()).Seconds(), time.Duration(ru.Stime.Nano()).Seconds(), wall.Seconds())
	f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
