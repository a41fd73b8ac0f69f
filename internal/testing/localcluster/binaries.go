// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package localcluster

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// BuildBinaries builds the operator (manager) and the sample MCP server into binDir, as a user
// would, for the programs that run them on a local cluster.
func BuildBinaries(ctx context.Context, binDir string) error {
	for out, pkg := range map[string]string{"manager": ".", "sample-mcp-server": "./cmd/sample-mcp-server"} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(binDir, out), pkg)
		cmd.Dir = testenv.RepoRoot()
		if raw, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building %s: %v\n%s", pkg, err, raw)
		}
	}
	return nil
}

// Metric sums the samples of one metric that a process serves in Prometheus' text format at
// http://addr/metrics; found is false when there is no such metric.
func Metric(ctx context.Context, addr, name string) (total float64, found bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return 0, false, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, false, err
	}
	defer resp.Body.Close()
	scanner := bufio.NewScanner(resp.Body)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		line := scanner.Text()
		if !strings.HasPrefix(line, name+" ") && !strings.HasPrefix(line, name+"{") {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			return 0, false, fmt.Errorf("metric %s: %w", name, err)
		}
		total, found = total+v, true
	}
	return total, found, scanner.Err()
}
