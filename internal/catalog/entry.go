// Package catalog is the MCP catalog: an inventory of MCP servers, read from catalog sources
// (OpenShift AI's MCP catalog YAML and the MCP registry's server.json), browsed and deployed
// from a web page. Every cluster action runs with the identity of the person using the page.
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
	// Remote servers run elsewhere; Endpoints say where.
	Remote    bool       `json:"remote"`
	Endpoints []Endpoint `json:"endpoints,omitempty"`
	// Runtime hints for deploying the server.
	Port int      `json:"port,omitempty"`
	Path string   `json:"path,omitempty"`
	Args []string `json:"args,omitempty"`
	Env  []EnvVar `json:"env,omitempty"`
	// Source names the catalog source the entry came from.
	Source string `json:"source"`
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

// hasAny reports whether values contain any of wanted (true when nothing is wanted).
func hasAny(values, wanted []string) bool {
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

// Filter selects the entries matching a search query, any of the transports, and any of the labels.
func Filter(entries []Entry, query string, transports, labels []string) []Entry {
	var out []Entry
	for _, e := range entries {
		if e.matches(query) && hasAny(e.Transports, transports) && hasAny(e.Labels, labels) {
			out = append(out, e)
		}
	}
	return out
}

// Facets lists the transports and labels in use, sorted, for the page's filters.
func Facets(entries []Entry) (transports, labels []string) {
	ts, ls := map[string]bool{}, map[string]bool{}
	for _, e := range entries {
		for _, t := range e.Transports {
			ts[t] = true
		}
		for _, l := range e.Labels {
			ls[l] = true
		}
	}
	return sortedSet(ts), sortedSet(ls)
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
