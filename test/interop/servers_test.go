// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package interop_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The servers of the matrix are built from pinned releases into the cache outside the clone
// (keyed by release and by the source of the server program), once per machine: Go servers
// from the Go module proxy, each in a module of its own so that several releases of one SDK
// are built side by side; npm servers installed with npm from the npm registry, from lock files
// (`npm install --save-exact` of the package in an empty folder wrote each).

// cacheDir is where built servers live: the Makefile's MCP_OPERATOR_CACHE, else the default.
func cacheDir(t *testing.T) string {
	if dir := os.Getenv("MCP_OPERATOR_CACHE"); dir != "" {
		return filepath.Join(dir, "interop")
	}
	home, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(home, "mcp-lifecycle-operator", "interop")
}

// builds serializes building within the test binary; the rename at the end of each build keeps
// two test processes from seeing a half-built server.
var builds sync.Mutex

// goServer builds the server program in testdata/<dir> against module at version and returns
// the binary's path.
func goServer(t *testing.T, dir, module, version string) string {
	t.Helper()
	builds.Lock()
	defer builds.Unlock()
	source, err := os.ReadFile(filepath.Join("testdata", dir, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(source)
	out := filepath.Join(cacheDir(t), fmt.Sprintf("%s-%s-%s", dir, version, hex.EncodeToString(sum[:6])))
	bin := filepath.Join(out, "server")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	if err := os.MkdirAll(cacheDir(t), 0o755); err != nil {
		t.Fatal(err)
	}
	work, err := os.MkdirTemp(cacheDir(t), ".build-")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(work) }()
	goMod := fmt.Sprintf("module interopserver\n\ngo 1.26\n\nrequire %s %s\n", module, version)
	if err := os.WriteFile(filepath.Join(work, "go.mod"), []byte(goMod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "main.go"), source, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("building the %s server against %s@%s (first time only)", dir, module, version)
	run(t, work, goEnv(), goTool(), "mod", "tidy")
	run(t, work, goEnv(), goTool(), "build", "-trimpath", "-o", filepath.Join("out", "server"), ".")
	if got := strings.TrimSpace(run(t, work, goEnv(), goTool(), "list", "-m", "-f", "{{.Version}}", module)); got != version {
		t.Fatalf("the %s server was resolved against %s %s, not %s", dir, module, got, version)
	}
	if err := os.Rename(filepath.Join(work, "out"), out); err != nil {
		if _, statErr := os.Stat(bin); statErr != nil {
			t.Fatal(err)
		}
	}
	return bin
}

// npmServer installs the npm packages locked in testdata/node/<lock> (package.json and
// package-lock.json: every package at an exact version, checked against its integrity) into
// the cache with `npm ci`, puts the script testdata/node/<script> beside them, and returns the
// script's installed path.
func npmServer(t *testing.T, script, lock string) string {
	t.Helper()
	builds.Lock()
	defer builds.Unlock()
	source, err := os.ReadFile(filepath.Join("testdata", "node", script))
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join("testdata", "node", lock, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	locked, err := os.ReadFile(filepath.Join("testdata", "node", lock, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(append(manifest, locked...))
	out := filepath.Join(cacheDir(t), "npm-"+lock+"-"+hex.EncodeToString(sum[:6]))
	if _, err := os.Stat(filepath.Join(out, "node_modules")); err != nil {
		if err := os.MkdirAll(cacheDir(t), 0o755); err != nil {
			t.Fatal(err)
		}
		work, err := os.MkdirTemp(cacheDir(t), ".npm-")
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = os.RemoveAll(work) }()
		for name, data := range map[string][]byte{"package.json": manifest, "package-lock.json": locked} {
			if err := os.WriteFile(filepath.Join(work, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("installing %s from the npm registry (first time only)", lock)
		run(t, work, os.Environ(), npm(t), "ci", "--no-audit", "--no-fund", "--silent")
		if err := os.Rename(work, out); err != nil {
			if _, statErr := os.Stat(filepath.Join(out, "node_modules")); statErr != nil {
				t.Fatal(err)
			}
		}
	}
	// The script is written on every run: it is the repository's, not the cache's.
	path := filepath.Join(out, script)
	if err := os.WriteFile(path, source, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// process is a server the suite started; it is stopped when the test ends.
type process struct {
	addr string
}

// start runs a server program and waits for it to print the address it listens on ("listening
// on HOST:PORT"), or, when port is set, for that port to accept connections.
func start(t *testing.T, env []string, port int, name string, args ...string) process {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedWriter{w: &strings.Builder{}}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})
	addrs := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if _, addr, ok := strings.Cut(scanner.Text(), "listening on "); ok {
				select {
				case addrs <- strings.TrimSpace(addr):
				default:
				}
			}
		}
		_ = cmd.Wait()
		close(exited)
	}()
	if port != 0 {
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		waitListening(t, addr, exited, stderr)
		return process{addr: addr}
	}
	select {
	case addr := <-addrs:
		return process{addr: addr}
	case <-exited:
		t.Fatalf("%s exited before it listened: %s", name, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not say where it listens within 60s: %s", name, stderr.String())
	}
	return process{}
}

// waitListening waits until addr accepts a connection.
func waitListening(t *testing.T, addr string, exited <-chan struct{}, stderr fmt.Stringer) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = conn.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("the server exited before it listened on %s: %s", addr, stderr)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listened on %s within 60s: %s", addr, stderr)
		}
	}
}

// freePort returns a loopback port that was free a moment ago, for servers that cannot be told
// to pick one and say which.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port
}

// run runs a command in dir and returns its standard output; a failure ends the test with both
// outputs.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// goEnv lets the go command fill go.mod and go.sum of a server's module, outside any workspace.
func goEnv() []string {
	return append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "CGO_ENABLED=0")
}

func goTool() string {
	if path, err := exec.LookPath("go"); err == nil {
		return path
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// npm is the npm command; without it the npm servers cannot be installed, which only a
// developer's machine may lack (under CI the suite fails instead).
func npm(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("npm")
	if err != nil {
		requireOrSkip(t, "npm and node are needed to install and run the npm servers")
	}
	return path
}

func node(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("node")
	if err != nil {
		requireOrSkip(t, "node is needed to run the npm servers")
	}
	return path
}

// requireOrSkip skips on a developer's machine and fails under CI, which must run everything.
func requireOrSkip(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// lockedWriter lets a process's output be read while it is still written.
type lockedWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}
