// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Bounds on what a probe keeps of a server's discovery answer.
const (
	maxSupportedVersions  = 16
	maxProtocolVersionLen = 64
)

// exchange keeps what a probe needs from the results of one session, as they pass through the
// go-sdk client's middleware: the versions server/discover listed, and each tools/list result's
// tools and cache lifetime.
type exchange struct {
	mu sync.Mutex
	// supported are the versions the server's discover result listed.
	supported []string
	tools     []listedTool
	// ttl is the shortest ttlMs of the tools/list pages; ttlSeen: a page carried one.
	ttl     time.Duration
	ttlSeen bool
}

type listedTool struct {
	name       string
	definition []byte
}

// sending watches the client's requests and their results. It takes the tools out of each
// tools/list result as it arrives, keeping each one's name and JSON definition (for the
// digest), before the go-sdk client looks into every tool's input schema: that costs tens of
// kilobytes of garbage per tool, so a server listing many small tools could make one probe
// allocate gigabytes. What it keeps is bounded by the bytes the probe reads.
func (e *exchange) sending(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		res, err := next(ctx, method, req)
		if err != nil {
			return res, err
		}
		switch r := res.(type) {
		case *mcp.DiscoverResult:
			e.keepSupported(r)
		case *mcp.ListToolsResult:
			if r == nil {
				return res, err
			}
			if err := e.keepTools(r); err != nil {
				return nil, err
			}
			r.Tools = nil
		}
		return res, err
	}
}

func (e *exchange) keepSupported(r *mcp.DiscoverResult) {
	if r == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.supported = e.supported[:0]
	for _, v := range r.SupportedVersions {
		if len(e.supported) == maxSupportedVersions {
			break
		}
		if len(v) > maxProtocolVersionLen {
			v = v[:maxProtocolVersionLen]
		}
		e.supported = append(e.supported, v)
	}
}

func (e *exchange) keepTools(r *mcp.ListToolsResult) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	ttl := time.Duration(max(r.TTLMs, 0)) * time.Millisecond
	if !e.ttlSeen || ttl < e.ttl {
		e.ttl = ttl
	}
	e.ttlSeen = true
	for _, t := range r.Tools {
		if t == nil {
			continue
		}
		raw, err := json.Marshal(t)
		if err != nil {
			return err
		}
		e.tools = append(e.tools, listedTool{name: t.Name, definition: raw})
	}
	return nil
}

// supportedVersions returns the versions discovery listed, newest first.
func (e *exchange) supportedVersions() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.supported) == 0 {
		return nil
	}
	versions := slices.Clone(e.supported)
	sort.Sort(sort.Reverse(sort.StringSlice(versions))) // revisions are dates: newest sorts last
	return slices.Compact(versions)
}

// toolListTTL returns the shortest lifetime the tools/list pages gave, and whether any gave one.
func (e *exchange) toolListTTL() (time.Duration, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.ttl, e.ttlSeen
}

// sortedTools returns the listed tools ordered by name and then by definition, so that the
// digest does not depend on the order a server lists its tools in. Definitions are the go-sdk
// client's encoding of each tool, whose object keys are sorted: the order of a schema's
// properties does not change it either.
func (e *exchange) sortedTools() []listedTool {
	e.mu.Lock()
	defer e.mu.Unlock()
	tools := slices.Clone(e.tools)
	sort.Slice(tools, func(i, j int) bool {
		if tools[i].name != tools[j].name {
			return tools[i].name < tools[j].name
		}
		return bytes.Compare(tools[i].definition, tools[j].definition) < 0
	})
	return tools
}

// deprecatedFeatures lists what the server uses of the features MCP 2026-07-28 deprecates, as
// far as the probe can see: the logging capability it advertises, and the sampling and roots
// requests it sent during the probe. (The HTTP+SSE transport is noted where it is chosen.)
func deprecatedFeatures(info ServerInfo, asked map[string]bool) []DeprecatedFeature {
	var found []DeprecatedFeature
	if info.Logging {
		found = append(found, DeprecatedLogging)
	}
	if asked["sampling/createMessage"] {
		found = append(found, DeprecatedSampling)
	}
	if asked["roots/list"] {
		found = append(found, DeprecatedRoots)
	}
	return found
}
