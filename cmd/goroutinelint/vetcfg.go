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
	ImportPath  string
	Dir         string
	ModulePath  string
	VetxOnly    bool // a dependency, analyzed only for its facts
	GoFiles     []string
	ImportMap   map[string]string // import path in source -> package path
	GoVersion   string
	PackageVetx map[string]string // the facts files of its imports
	VetxOutput  string            // where its own facts go
}

// readVetConfig returns the vet config that args name, or nil for the
// -V=full and -flags handshakes and for a config that cannot be read (left
// to unitchecker, which reports it).
func readVetConfig(args []string) *vetConfig {
	var file string
	for _, arg := range args {
		if strings.HasSuffix(arg, ".cfg") {
			file = arg
		}
	}
	if file == "" {
		return nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var cfg vetConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil
	}
	return &cfg
}

// isStdDependency reports whether cfg describes a package of the standard
// library that go vet analyzes only for facts. For such a package the
// suite needs to run nothing: go vet still gets its facts file from
// unitchecker.
func (cfg *vetConfig) isStdDependency() bool {
	return cfg != nil && cfg.VetxOnly && cfg.ModulePath == "" && internallint.IsStdPackage(cfg.ImportPath, cfg.Dir)
}
