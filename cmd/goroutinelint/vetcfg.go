package main

import (
	"encoding/json"
	"os"
	"strings"

	internallint "github.com/goroutinelint/goroutinelint/internal/lint"
)

// vetConfig is the part of the go command's per-package vet config (the
// *.cfg file) that decides how much work a package needs.
type vetConfig struct {
	ImportPath string
	Dir        string
	ModulePath string
	VetxOnly   bool // a dependency, analyzed only for its facts
}

// isStdDependency reports whether args name a vet config for a package of
// the standard library that go vet analyzes only for facts. For such a
// package the suite needs to run nothing: go vet still gets its export
// data from unitchecker. A config that cannot be read is left to
// unitchecker, which reports it.
func isStdDependency(args []string) bool {
	var file string
	for _, arg := range args {
		if strings.HasSuffix(arg, ".cfg") {
			file = arg
		}
	}
	if file == "" {
		return false // the -V=full or -flags handshake
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return false
	}
	var cfg vetConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		return false
	}
	return cfg.VetxOnly && cfg.ModulePath == "" && internallint.IsStdPackage(cfg.ImportPath, cfg.Dir)
}
