// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package nodebed

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
)

// Tests runs a suite's tests. *testing.M is one; an interface, so that the programs that use
// this package (make demo) link no testing.
type Tests interface{ Run() int }

// Suite is how a suite of real containers runs on a bed of its own.
type Suite struct {
	// Name names the suite in its messages.
	Name string
	// Unsupported says why this machine cannot run the suite, or "" (the real node's own
	// reasons are checked first).
	Unsupported func() string
	// Timeout bounds the start and Setup, waiting for the machine's one real node included.
	Timeout time.Duration
	// Setup prepares the bed before the tests run; the suite keeps the bed it is given.
	Setup func(ctx context.Context, b *Bed) error
}

// Main runs the suite's tests, for TestMain: it skips with the reason where the machine cannot
// (and fails under CI=true), starts the bed, runs Setup and the tests, then stops the bed, which
// fails when the node left anything behind. The bed's logs are kept when anything failed.
func (s Suite) Main(m Tests) {
	why := localcluster.RealNodeUnsupported()
	if why == "" && s.Unsupported != nil {
		why = s.Unsupported()
	}
	if why != "" {
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "%s suite: CI=true and this machine cannot run it: %s\n", s.Name, why)
			os.Exit(1)
		}
		fmt.Printf("skipping the %s suite: %s\n", s.Name, why)
		os.Exit(0)
	}
	os.Exit(s.run(m))
}

func (s Suite) run(m Tests) (code int) {
	dir, err := os.MkdirTemp("", s.Name+"-suite-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout)
	defer cancel()
	start := time.Now()
	bed, err := Start(ctx, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the test bed:", err)
		return 1
	}
	bed.StopOnSignal()
	code = 1
	defer func() {
		if err := bed.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the test bed:", err)
			code = 1
		}
		if code == 0 {
			_ = os.RemoveAll(dir)
		} else {
			fmt.Fprintln(os.Stderr, "the test bed's logs are in", dir)
		}
	}()
	fmt.Printf("%s suite: cluster and real node up after %s\n", s.Name, time.Since(start).Round(time.Second))
	if err := s.Setup(ctx, bed); err != nil {
		fmt.Fprintln(os.Stderr, "setting up:", err)
		return 1
	}
	fmt.Printf("%s suite: set up after %s\n", s.Name, time.Since(start).Round(time.Second))
	return m.Run()
}
