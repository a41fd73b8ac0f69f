// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Command chaos runs MCPServers through faults on a local control plane (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, kwok nodes) and checks that the operator converges
// and tells the truth afterwards. With two operator replicas (leader election on) and a few
// hundred MCPServers under continuous spec edits, it kills the leading operator with SIGKILL
// again and again, restarts kube-apiserver and etcd, and serves some servers from MCP endpoints
// that hang, answer a byte a second, answer garbage, or come and go. Then it checks every
// MCPServer against its spec, its objects and a direct handshake, checks that foreign objects
// were left alone, watches the operator's goroutines, and times a leader handover.
//
// It writes docs/reliability.md and exits non-zero when it found a violation. `make chaos`
// runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

const (
	operatorNamespace = "mcp-operator-system"
	// operatorUser is the identity the operator runs as, so that the audit log tells its
	// requests apart.
	operatorUser = "mcp-operator"
)

type config struct {
	servers         int
	duration        time.Duration
	kills           int
	apiRestarts     int
	etcdRestarts    int
	editEvery       time.Duration
	reverify        time.Duration
	seed            uint64
	report          string
	artifacts       string
	binDir          string
	convergeTimeout time.Duration
}

func main() {
	var c config
	flag.IntVar(&c.servers, "n", 300, "MCPServers in the run.")
	flag.DurationVar(&c.duration, "duration", 4*time.Minute, "How long faults are injected.")
	flag.IntVar(&c.kills, "kills", 10, "Times the leading operator is killed with SIGKILL.")
	flag.IntVar(&c.apiRestarts, "apiserver-restarts", 2, "Times kube-apiserver is killed and started again.")
	flag.IntVar(&c.etcdRestarts, "etcd-restarts", 1, "Times etcd is killed and started again.")
	flag.DurationVar(&c.editEvery, "edit-every", 250*time.Millisecond, "How often a server's spec is edited during the faults.")
	flag.DurationVar(&c.reverify, "reverify-interval", 30*time.Second, "The operator's --reverify-interval.")
	flag.Uint64Var(&c.seed, "seed", uint64(time.Now().UnixNano()), "Seed of the fault schedule and the edits.")
	flag.StringVar(&c.report, "report", "docs/reliability.md", "Where to write the report.")
	flag.StringVar(&c.artifacts, "artifacts", "bin/chaos", "Where to keep the binaries and logs of the run.")
	flag.DurationVar(&c.convergeTimeout, "converge-timeout", 5*time.Minute, "How long convergence may take after the faults.")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	violations, err := run(ctx, c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
	if violations > 0 {
		fmt.Fprintf(os.Stderr, "chaos: %d violations; see %s\n", violations, c.report)
		os.Exit(1)
	}
}

func say(format string, args ...any) {
	fmt.Printf("%s ==> %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func run(ctx context.Context, c config) (int, error) {
	root := testenv.RepoRoot()
	for _, p := range []*string{&c.report, &c.artifacts} {
		if !filepath.IsAbs(*p) {
			*p = filepath.Join(root, *p)
		}
	}
	c.binDir = filepath.Join(c.artifacts, "bin")
	say("Building the operator and the sample MCP server")
	if err := localcluster.BuildBinaries(ctx, c.binDir); err != nil {
		return 0, err
	}
	logs := filepath.Join(c.artifacts, "logs")
	if err := os.RemoveAll(logs); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return 0, err
	}
	s := &session{cfg: c, dir: logs, started: time.Now()}
	err := s.run(ctx)
	if s.cluster != nil {
		_ = s.cluster.Stop()
	}
	if err != nil {
		return 0, err
	}
	for _, v := range s.checks.violations {
		say("violation: %s: %s: %s", v.check, v.object, v.detail)
	}
	if err := os.MkdirAll(filepath.Dir(c.report), 0o755); err != nil {
		return 0, err
	}
	if err := os.WriteFile(c.report, []byte(s.markdown(root)), 0o644); err != nil {
		return 0, err
	}
	say("Wrote %s: %d objects checked, %d violations", c.report, s.checks.objects, len(s.checks.violations))
	return len(s.checks.violations), nil
}
