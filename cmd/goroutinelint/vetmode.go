package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// driverVetCall adapts a call from a go vet that the standalone driver
// started (see analyzeVet) before unitchecker sees it. It answers -V=full
// itself when the driver set a mode, logs the package analysed when the
// driver asked for a log, and with -test=false rewrites the config to
// leave the _test.go files out. It returns the arguments for unitchecker,
// and done when the call needs nothing more (a test-only package under
// -test=false).
func driverVetCall(args []string, stdout io.Writer) (out []string, done bool, err error) {
	mode := os.Getenv(envVetMode)
	if mode != "" && slices.Contains(args, "-V=full") {
		return nil, true, printModeVersion(stdout, mode)
	}
	i := slices.IndexFunc(args, func(arg string) bool { return strings.HasSuffix(arg, ".cfg") })
	if i < 0 {
		return args, false, nil // the -flags handshake, or help
	}
	out = slices.Clone(args)
	if mode == vetModeNoTests {
		cfg, skip, err := withoutTestFiles(args[i])
		if err != nil || skip {
			return nil, true, err
		}
		out[i] = cfg
	}
	return out, false, logAnalysed(out[i])
}

// printModeVersion prints the -V=full line that go vet keys its cache on,
// as unitchecker does (the executable's content hash), with the mode
// folded into the hash so that results of one mode never replay in
// another.
func printModeVersion(w io.Writer, mode string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	f, err := os.Open(exe)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	fmt.Fprintf(h, "\x00mode=%s", mode)
	_, err = fmt.Fprintf(w, "%s version devel %s buildID=%02x\n", exe, mode, h.Sum(nil))
	return err
}

// withoutTestFiles writes a copy of the vet config file without the
// _test.go files of the package and returns its name. A package of test
// files only (an external test package) has nothing left: skip reports it.
// A package without test files keeps its config.
func withoutTestFiles(file string) (cfg string, skip bool, err error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", false, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return "", false, fmt.Errorf("%s: %v", file, err)
	}
	var goFiles []string
	if err := json.Unmarshal(fields["GoFiles"], &goFiles); err != nil {
		return "", false, fmt.Errorf("%s: GoFiles: %v", file, err)
	}
	kept := slices.DeleteFunc(slices.Clone(goFiles), func(name string) bool { return strings.HasSuffix(name, "_test.go") })
	switch len(kept) {
	case len(goFiles):
		return file, false, nil // no test files
	case 0:
		return "", true, nil // an external test package
	}
	if fields["GoFiles"], err = json.Marshal(kept); err != nil {
		return "", false, err
	}
	if data, err = json.Marshal(fields); err != nil {
		return "", false, err
	}
	cfg = strings.TrimSuffix(file, ".cfg") + "-notests.cfg"
	return cfg, false, os.WriteFile(cfg, data, 0o666)
}

// logAnalysed appends the ID of the package that the vet config file
// describes to the driver's log, if it asked for one.
func logAnalysed(file string) error {
	name := os.Getenv(envAnalysedLog)
	if name == "" {
		return nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil // unitchecker reports it
	}
	var cfg struct{ ID string }
	if err := json.Unmarshal(data, &cfg); err != nil || cfg.ID == "" {
		return nil // unitchecker reports it
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return err
	}
	_, err = f.WriteString(cfg.ID + "\n") // one short write: appends from concurrent tools do not interleave
	return cmpErr(err, f.Close())
}

// cmpErr returns the first non-nil error.
func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
