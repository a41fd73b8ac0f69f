// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package catalog is the MCP catalog's model: an entry (an MCP server to deploy or to connect
// to), the two source formats it is read from (OpenShift AI's MCP catalog YAML and the MCP
// registry's server.json), and searching and filtering entries. Its rooms: sources keeps the
// entries in step with their sources, deploy builds what a deployment creates, and page
// serves the catalog page.
package catalog

import (
	"sort"
	"strings"
)

// Transports an entry can support.
const (
	TransportStdio          = "stdio"
	TransportStreamableHTTP = "streamable-http"
	TransportSSE            = "sse"
)

// Entry is one MCP server of the catalog.
type Entry struct {
	// ID identifies the entry in URLs: its source and name.
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	Provider    string   `json:"provider,omitempty"`
	Version     string   `json:"version,omitempty"`
	License     string   `json:"license,omitempty"`
	Readme      string   `json:"-"`
	Transports  []string `json:"transports"`
	Labels      []string `json:"labels,omitempty"`
	Tools       []Tool   `json:"tools,omitempty"`
	// Image is the OCI image reference (without oci://) for servers that run in the cluster.
	Image string `json:"image,omitempty"`
	// Package is the npm or PyPI package of a server published as one instead of as an image:
	// it runs in the runtime image an admin chose for its type, started by the package's runner.
	Package *Package `json:"package,omitempty"`
	// Remote servers run elsewhere; Endpoints say where.
	Remote    bool       `json:"remote"`
	Endpoints []Endpoint `json:"endpoints,omitempty"`
	// Runtime hints for deploying the server.
	Port int      `json:"port,omitempty"`
	Path string   `json:"path,omitempty"`
	Args []string `json:"args,omitempty"`
	Env  []EnvVar `json:"env,omitempty"`
	// Icon is an image for the card: a data: URI or an https URL; empty: the page's own.
	Icon string `json:"icon,omitempty"`
	// Source names the catalog source the entry came from.
	Source string `json:"source"`
}

// Package types the catalog can start, as the MCP registry's server.json names them.
const (
	PackageNPM  = "npm"
	PackagePyPI = "pypi"
)

// Package is a published package of an MCP server.
type Package struct {
	// Type is the package registry: npm or pypi.
	Type       string `json:"type"`
	Identifier string `json:"identifier"`
	// Version is the exact version to run; empty: the registry's latest.
	Version string `json:"version,omitempty"`
}

// SpeaksHTTP reports whether the server serves MCP over HTTP (streamable HTTP or SSE), rather
// than over stdio only.
func (e *Entry) SpeaksHTTP() bool {
	return HasAny(e.Transports, []string{TransportStreamableHTTP, TransportSSE})
}

// SpeaksStdio reports whether the server speaks MCP over stdio.
func (e *Entry) SpeaksStdio() bool {
	return HasAny(e.Transports, []string{TransportStdio})
}

// Tool is a tool an MCP server offers.
type Tool struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Endpoint is where a remote server answers, for one transport.
type Endpoint struct {
	Transport string `json:"transport"`
	URL       string `json:"url"`
}

// EnvVar is an environment variable the server reads.
type EnvVar struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required,omitempty"`
	Secret      bool   `json:"secret,omitempty"`
	Default     string `json:"default,omitempty"`
}

// matches reports whether the entry matches a search: every word must appear in the name,
// title, description, provider or a tool name (case-insensitive).
func (e *Entry) matches(query string) bool {
	words := strings.Fields(strings.ToLower(query))
	if len(words) == 0 {
		return true
	}
	haystack := []string{e.Name, e.Title, e.Description, e.Provider}
	for _, t := range e.Tools {
		haystack = append(haystack, t.Name)
	}
	text := strings.ToLower(strings.Join(haystack, "\n"))
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// HasAny reports whether values contain any of wanted, ignoring case (true when nothing is wanted).
func HasAny(values, wanted []string) bool {
	if len(wanted) == 0 {
		return true
	}
	for _, w := range wanted {
		for _, v := range values {
			if strings.EqualFold(v, w) {
				return true
			}
		}
	}
	return false
}

// Deployment modes, as OpenShift AI's catalog names them.
const (
	ModeLocal  = "local"
	ModeRemote = "remote"
)

// Mode says whether the server runs in the cluster (local) or elsewhere (remote).
func (e *Entry) Mode() string {
	if e.Remote {
		return ModeRemote
	}
	return ModeLocal
}

// Query is what the catalog page asks for: a search and, per facet, the values of which an
// entry must have one (none: any).
type Query struct {
	Text       string
	Transports []string
	Labels     []string
	Providers  []string
	Modes      []string
	// Sort is "name" (the default), "provider" or "tools" (most tools first).
	Sort string
}

// Filter selects the entries matching a query, in the query's order.
func Filter(entries []Entry, q Query) []Entry {
	out := []Entry{}
	for _, e := range entries {
		if e.matches(q.Text) && HasAny(e.Transports, q.Transports) && HasAny(e.Labels, q.Labels) &&
			HasAny([]string{e.Provider}, q.Providers) && HasAny([]string{e.Mode()}, q.Modes) {
			out = append(out, e)
		}
	}
	sortEntries(out, q.Sort)
	return out
}

// sortEntries orders entries by name, by provider then name, or by tool count then name.
func sortEntries(entries []Entry, by string) {
	title := func(e Entry) string { return strings.ToLower(cmpOr(e.Title, e.Name)) }
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		switch {
		case by == "provider" && !strings.EqualFold(a.Provider, b.Provider):
			return strings.ToLower(a.Provider) < strings.ToLower(b.Provider)
		case by == "tools" && len(a.Tools) != len(b.Tools):
			return len(a.Tools) > len(b.Tools)
		}
		return title(a) < title(b)
	})
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// FacetValue is one value of a filter, with how many entries of the whole catalog have it.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Facets are the values the page's filter panel offers, each sorted.
type Facets struct {
	Transports []FacetValue `json:"transports"`
	Labels     []FacetValue `json:"labels"`
	Providers  []FacetValue `json:"providers"`
	Modes      []FacetValue `json:"modes"`
}

// FacetsOf counts the transports, labels, providers and deployment modes in use.
func FacetsOf(entries []Entry) Facets {
	transports, labels, providers, modes := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	for _, e := range entries {
		for _, t := range e.Transports {
			transports[t]++
		}
		for _, l := range e.Labels {
			labels[l]++
		}
		if e.Provider != "" {
			providers[e.Provider]++
		}
		modes[e.Mode()]++
	}
	return Facets{Transports: counted(transports), Labels: counted(labels), Providers: counted(providers), Modes: counted(modes)}
}

func counted(m map[string]int) []FacetValue {
	out := make([]FacetValue, 0, len(m))
	for v, n := range m {
		out = append(out, FacetValue{Value: v, Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return out
}
