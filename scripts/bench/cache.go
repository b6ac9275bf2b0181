package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// prepare readies the module in dir for a timed run of tool with argv and
// env: the cache figures need an untimed run first, with the same binary,
// so that the timed run finds its results; goroutinelint-edit then adds an
// exported function to one file of the module's root package, which
// changes the package's export data, so the package and everything that
// imports it must be analysed again. It returns a function that undoes
// the edit, or nil. A run that follows its chain (-chain) has had its
// first run: the chain's goroutinelint run, or the unchanged second run.
func (b *bench) prepare(tool string, argv, env []string, dir, nonce string, follows bool) (func(), error) {
	if tool != toolLintCached && tool != toolLintEdit {
		return nil, nil
	}
	if !follows {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = dir
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil && cmd.ProcessState.ExitCode() != 1 {
			return nil, fmt.Errorf("untimed first run: %v\n%s", err, out)
		}
	}
	if tool != toolLintEdit {
		return nil, nil
	}
	file, err := editTarget(dir)
	if err != nil {
		return nil, err
	}
	before, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	edited := append(slices.Clone(before), fmt.Sprintf("\n// BenchEdit%s is added by scripts/bench.\nfunc BenchEdit%s() {}\n", nonce, nonce)...)
	if err := os.WriteFile(file, edited, 0o644); err != nil {
		return nil, err
	}
	return func() { os.WriteFile(file, before, 0o644) }, nil
}

// editTarget returns the first non-test Go file of the module's root
// package, or of the first directory below it that has one.
func editTarget(dir string) (string, error) {
	// The root package first: a walk would reach a subdirectory whose name
	// sorts before the root's files (grpc's admin/ before backoff.go).
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if path := filepath.Join(dir, e.Name()); !e.IsDir() && isEditable(path) {
				return path, nil
			}
		}
	}
	var target string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || target != "" {
			return filepath.SkipDir
		}
		if d.IsDir() {
			if name := d.Name(); path != dir && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if isEditable(path) {
			target = path
			return filepath.SkipAll
		}
		return nil
	})
	if target == "" && err == nil {
		err = fmt.Errorf("no Go file to edit in %s", dir)
	}
	return target, err
}

// isEditable reports whether path is a Go file of the package proper that
// is always built: not a test, not generated, no build constraint.
func isEditable(path string) bool {
	return strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") && !isGenerated(path) && !hasBuildConstraint(path)
}

// isGenerated reports whether the file says it is generated.
func isGenerated(path string) bool {
	data, _ := os.ReadFile(path)
	return bytes.Contains(data, []byte("Code generated")) && bytes.Contains(data, []byte("DO NOT EDIT"))
}

// hasBuildConstraint reports whether the file has a //go:build line, which
// might leave it out of the build.
func hasBuildConstraint(path string) bool {
	data, _ := os.ReadFile(path)
	return bytes.Contains(data, []byte("//go:build"))
}

// sampleRSS samples, every 50 ms until the returned function is called,
// the RSS summed over the processes of the process group pgid (the run's
// tree) except the go command and its tools under GOROOT, and returns the
// peak in kilobytes. What lives less than a sample interval may be missed.
func sampleRSS(pgid int) func() int64 {
	var mu sync.Mutex
	var peak int64
	done := make(chan struct{})
	stopped := make(chan struct{})
	goroot := runtime.GOROOT()
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		goroot = strings.TrimSpace(string(out))
	}
	go func() {
		defer close(stopped)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			sum := toolRSS(pgid, goroot)
			mu.Lock()
			peak = max(peak, sum)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		<-stopped
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// toolRSS returns the RSS in kilobytes summed over the processes in the
// process group pgid whose executable is not under goroot.
func toolRSS(pgid int, goroot string) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var sum int64
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue // not a process
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue // gone
		}
		// Fields after the command name, which is in parentheses and may
		// hold spaces: state, ppid, pgrp, ...
		i := bytes.LastIndexByte(stat, ')')
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) < 3 || fields[2] != strconv.Itoa(pgid) {
			continue // another run's or the machine's
		}
		if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err == nil && strings.HasPrefix(exe, goroot+string(filepath.Separator)) {
			continue // the go command, the compiler, the linker
		}
		sum += rssKB(pid)
	}
	return sum
}

// rssKB returns the resident set size of pid in kilobytes, or 0.
func rssKB(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb
			}
		}
	}
	return 0
}
