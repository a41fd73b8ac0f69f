// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package ociimage

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// NodeRuntimeImage is an npm runtime image as an admin would choose for the catalog's npm
// packages, made of this machine's Node.js: node, npm and npx, and the /bin/sh and
// /usr/bin/env that npx runs packages with, each with its shared libraries. It runs as
// NonRoot; env is its environment (for example npm_config_registry for a mirror).
func NodeRuntimeImage(env ...string) (v1.Image, error) {
	node, err := realPath("node")
	if err != nil {
		return nil, err
	}
	npxCLI, err := realPath("npx")
	if err != nil {
		return nil, err
	}
	npmRoot := filepath.Dir(filepath.Dir(npxCLI)) // <root>/bin/npx-cli.js
	files := map[string]File{
		"/usr/bin/npx":  {Link: filepath.Join("/usr/lib/node_modules/npm", strings.TrimPrefix(npxCLI, npmRoot))},
		"/usr/bin/node": {Source: node, Mode: 0o755},
	}
	if err := addTree(files, npmRoot, "/usr/lib/node_modules/npm"); err != nil {
		return nil, err
	}
	for target, program := range map[string]string{"/bin/sh": "sh", "/usr/bin/env": "env"} {
		path, err := realPath(program)
		if err != nil {
			return nil, err
		}
		files[target] = File{Source: path, Mode: 0o755}
	}
	for _, program := range []string{node, files["/bin/sh"].Source, files["/usr/bin/env"].Source} {
		if err := addLibraries(files, program); err != nil {
			return nil, err
		}
	}
	return Build(Spec{Files: files, Env: env})
}

func realPath(program string) (string, error) {
	path, err := exec.LookPath(program)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(path)
}

// addTree adds the regular files under dir at the same places under at; links inside the
// tree (npm's own node_modules/.bin) are left out, npx does not need them.
func addTree(files map[string]File, dir, at string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[filepath.Join(at, rel)] = File{Source: path, Mode: int64(info.Mode().Perm())}
		return nil
	})
}

var lddPath = regexp.MustCompile(`(/\S+) \(0x`)

// addLibraries adds the shared libraries a program loads, as ldd lists them, at their paths.
func addLibraries(files map[string]File, program string) error {
	out, err := exec.Command("ldd", program).Output()
	if err != nil {
		return fmt.Errorf("ldd %s: %w", program, err)
	}
	for _, m := range lddPath.FindAllStringSubmatch(string(out), -1) {
		if _, err := os.Stat(m[1]); err == nil {
			files[m[1]] = File{Source: m[1], Mode: 0o755}
		}
	}
	return nil
}
