// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package catalog

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Parse reads one catalog source document in either supported format and returns its entries,
// with an error for each malformed entry (which is skipped, never taking the rest down).
//   - OpenShift AI's MCP catalog YAML: a map with an mcp_servers list.
//   - The MCP registry's server.json: one server object, or a list of them.
//
// Two entries of one source with the same ID (the same name, up to case and punctuation) would
// be ambiguous on the page: the second is reported and skipped.
func Parse(source string, data []byte) ([]Entry, []error) {
	entries, errs := parseDocument(source, data)
	seen := map[string]bool{}
	unique := entries[:0]
	for _, e := range entries {
		if seen[e.ID] {
			errs = append(errs, fmt.Errorf("%s: %s: another entry of this source has the same name", source, e.Name))
			continue
		}
		seen[e.ID] = true
		unique = append(unique, e)
	}
	return unique, errs
}

func parseDocument(source string, data []byte) ([]Entry, []error) {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, []error{fmt.Errorf("%s: not YAML or JSON: %w", source, err)}
	}
	var doc any
	if err := json.Unmarshal(js, &doc); err != nil {
		return nil, []error{fmt.Errorf("%s: %w", source, err)}
	}
	switch d := doc.(type) {
	case map[string]any:
		if _, ok := d["mcp_servers"]; ok {
			return parseOpenShiftAI(source, js)
		}
		if isServerJSON(d) {
			e, err := parseServerJSON(source, d)
			if err != nil {
				return nil, []error{err}
			}
			return []Entry{e}, nil
		}
	case []any:
		var entries []Entry
		var errs []error
		for i, item := range d {
			m, ok := item.(map[string]any)
			if !ok || !isServerJSON(m) {
				errs = append(errs, fmt.Errorf("%s: item %d is not a server.json object", source, i))
				continue
			}
			e, err := parseServerJSON(source, m)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			entries = append(entries, e)
		}
		return entries, errs
	}
	return nil, []error{fmt.Errorf("%s: neither an MCP catalog (mcp_servers) nor server.json", source)}
}

func isServerJSON(m map[string]any) bool {
	_, hasName := m["name"]
	_, hasPackages := m["packages"]
	_, hasRemotes := m["remotes"]
	return hasName && (hasPackages || hasRemotes)
}

// openShiftAICatalog is the catalog format of OpenShift AI (Kubeflow model registry's MCP catalog).
type openShiftAICatalog struct {
	Source     string            `json:"source"`
	MCPServers []json.RawMessage `json:"mcp_servers"`
}

type openShiftAIServer struct {
	Name           string   `json:"name"`
	Description    string   `json:"description"`
	Provider       string   `json:"provider"`
	Version        string   `json:"version"`
	License        string   `json:"license"`
	Readme         string   `json:"readme"`
	Transports     []string `json:"transports"`
	DeploymentMode string   `json:"deploymentMode"`
	Labels         []string `json:"labels"`
	Tags           []string `json:"tags"`
	Logo           string   `json:"logo"`
	Icon           string   `json:"icon"`
	Tools          []struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	} `json:"tools"`
	Artifacts []struct {
		URI string `json:"uri"`
	} `json:"artifacts"`
	Endpoints       map[string]string `json:"endpoints"`
	RuntimeMetadata struct {
		DefaultPort          int      `json:"defaultPort"`
		MCPPath              string   `json:"mcpPath"`
		DefaultArgs          []string `json:"defaultArgs"`
		EnvironmentVariables []struct {
			Name        string `json:"name"`
			Description string `json:"description"`
			Required    bool   `json:"required"`
			Secret      bool   `json:"secret"`
			Sensitive   bool   `json:"sensitive"`
			Default     string `json:"default"`
		} `json:"environmentVariables"`
	} `json:"runtimeMetadata"`
}

func parseOpenShiftAI(source string, js []byte) ([]Entry, []error) {
	var cat openShiftAICatalog
	if err := json.Unmarshal(js, &cat); err != nil {
		return nil, []error{fmt.Errorf("%s: %w", source, err)}
	}
	var entries []Entry
	var errs []error
	for i, raw := range cat.MCPServers {
		var s openShiftAIServer
		if err := json.Unmarshal(raw, &s); err != nil {
			errs = append(errs, fmt.Errorf("%s: mcp_servers[%d]: %w", source, i, err))
			continue
		}
		if s.Name == "" {
			errs = append(errs, fmt.Errorf("%s: mcp_servers[%d] has no name", source, i))
			continue
		}
		e := Entry{
			Name: s.Name, Description: strings.TrimSpace(s.Description), Provider: s.Provider, Version: s.Version,
			License: s.License, Readme: s.Readme, Labels: append(s.Labels, s.Tags...), Source: source,
			Remote: s.DeploymentMode == "remote", Port: s.RuntimeMetadata.DefaultPort, Path: s.RuntimeMetadata.MCPPath,
			Args: s.RuntimeMetadata.DefaultArgs, Icon: firstIcon(s.Logo, s.Icon),
		}
		for _, t := range s.Transports {
			e.Transports = appendUnique(e.Transports, normaliseTransport(t))
		}
		for _, t := range s.Tools {
			e.Tools = append(e.Tools, Tool{Name: t.Name, Description: t.Description})
		}
		for _, a := range s.Artifacts {
			if ref, ok := strings.CutPrefix(a.URI, "oci://"); ok && e.Image == "" {
				e.Image = ref
			}
		}
		for _, transport := range sortedKeys(s.Endpoints) {
			e.Endpoints = append(e.Endpoints, Endpoint{Transport: normaliseTransport(transport), URL: s.Endpoints[transport]})
			e.Remote = true
		}
		for _, v := range s.RuntimeMetadata.EnvironmentVariables {
			e.Env = append(e.Env, EnvVar{Name: v.Name, Description: v.Description, Required: v.Required, Secret: v.Secret || v.Sensitive, Default: v.Default})
		}
		if err := e.complete(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %s: %w", source, s.Name, err))
			continue
		}
		entries = append(entries, e)
	}
	return entries, errs
}

// serverJSON is the MCP registry's server.json (the fields the catalog shows).
type serverJSON struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Version     string `json:"version"`
	Repository  struct {
		URL string `json:"url"`
	} `json:"repository"`
	// Icons as MCP 2025-11-25 and server.json describe them.
	Icons []struct {
		Src   string `json:"src"`
		Theme string `json:"theme"`
	} `json:"icons"`
	Packages []serverJSONPackage `json:"packages"`
	Remotes  []struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"remotes"`
}

// serverJSONPackage is one package of a server.json.
type serverJSONPackage struct {
	RegistryType string `json:"registryType"`
	Identifier   string `json:"identifier"`
	Version      string `json:"version"`
	Transport    struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"transport"`
	EnvironmentVariables []struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		IsRequired  bool   `json:"isRequired"`
		IsSecret    bool   `json:"isSecret"`
		Default     string `json:"default"`
	} `json:"environmentVariables"`
	PackageArguments []struct {
		Type  string `json:"type"`
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"packageArguments"`
}

var urlPort = regexp.MustCompile(`:(\d+)(/[^?#]*)?`)

func parseServerJSON(source string, m map[string]any) (Entry, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return Entry{}, err
	}
	var s serverJSON
	if err := json.Unmarshal(raw, &s); err != nil {
		return Entry{}, fmt.Errorf("%s: %v: %w", source, m["name"], err)
	}
	provider, _, _ := strings.Cut(s.Name, "/")
	e := Entry{Name: s.Name, Title: s.Title, Description: s.Description, Version: s.Version, Provider: provider, Source: source}
	var light, any []string
	for _, icon := range s.Icons {
		any = append(any, icon.Src)
		if icon.Theme != "dark" {
			light = append(light, icon.Src)
		}
	}
	e.Icon = firstIcon(append(light, any...)...)
	if s.Repository.URL != "" {
		e.Readme = fmt.Sprintf("Source: <%s>", s.Repository.URL)
	}
	if i := chosenPackage(s.Packages); i >= 0 {
		p := s.Packages[i]
		if p.RegistryType == "oci" {
			e.Image = p.Identifier
			if p.Version != "" && !strings.ContainsAny(p.Identifier[strings.LastIndex(p.Identifier, "/")+1:], ":@") {
				e.Image = p.Identifier + ":" + p.Version
			}
		} else {
			e.Package = &Package{Type: p.RegistryType, Identifier: p.Identifier, Version: p.Version}
		}
		transport := normaliseTransport(p.Transport.Type)
		if transport == "" && e.Package != nil {
			transport = TransportStdio // a package run locally speaks stdio unless it says otherwise
		}
		if transport != "" {
			e.Transports = appendUnique(e.Transports, transport)
		}
		if m := urlPort.FindStringSubmatch(p.Transport.URL); m != nil {
			_, _ = fmt.Sscan(m[1], &e.Port)
			e.Path = m[2]
		}
		for _, a := range p.PackageArguments {
			if a.Type == "named" {
				e.Args = append(e.Args, a.Name)
			}
			if a.Value != "" {
				e.Args = append(e.Args, a.Value)
			}
		}
		for _, v := range p.EnvironmentVariables {
			e.Env = append(e.Env, EnvVar{Name: v.Name, Description: v.Description, Required: v.IsRequired, Secret: v.IsSecret, Default: v.Default})
		}
	}
	if e.Image == "" && e.Package == nil {
		for _, r := range s.Remotes {
			e.Remote = true
			t := normaliseTransport(r.Type)
			e.Transports = appendUnique(e.Transports, t)
			e.Endpoints = append(e.Endpoints, Endpoint{Transport: t, URL: r.URL})
		}
	}
	if err := e.complete(); err != nil {
		return Entry{}, fmt.Errorf("%s: %s: %w", source, s.Name, err)
	}
	return e, nil
}

// chosenPackage is the index of the package the catalog deploys, or -1: an OCI image when
// there is one (it runs as published), else the first npm or PyPI package.
func chosenPackage(packages []serverJSONPackage) int {
	chosen := -1
	for i, p := range packages {
		switch {
		case p.RegistryType == "oci":
			return i
		case chosen < 0 && (p.RegistryType == PackageNPM || p.RegistryType == PackagePyPI) && p.Identifier != "":
			chosen = i
		}
	}
	return chosen
}

// complete checks an entry and fills its ID and defaults.
func (e *Entry) complete() error {
	switch {
	case e.Remote && len(e.Endpoints) == 0:
		return fmt.Errorf("a remote server needs endpoints")
	case !e.Remote && e.Image == "" && e.Package == nil:
		return fmt.Errorf("a server to deploy needs an OCI image (oci://...) or an npm or PyPI package")
	}
	if !e.Remote {
		if e.Port == 0 {
			e.Port = 8080
		}
		if e.Path == "" {
			e.Path = "/mcp"
		}
	}
	e.ID = slug(e.Source) + "--" + slug(e.Name)
	return nil
}

// iconSource accepts the icons a page may show without running anything or reaching
// anywhere unexpected: raster or SVG images inline as data: URIs (an <img> never runs an
// SVG's scripts), or https URLs.
var iconSource = regexp.MustCompile(`^(data:image/(png|jpeg|gif|webp|svg\+xml)(;base64)?,|https://)[^\s"'<>]+$`)

// firstIcon returns the first acceptable icon of srcs, or "" (the page shows its own).
func firstIcon(srcs ...string) string {
	for _, src := range srcs {
		if iconSource.MatchString(src) {
			return src
		}
	}
	return ""
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	return strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// normaliseTransport maps the names catalogs use to stdio, streamable-http and sse.
func normaliseTransport(t string) string {
	switch strings.ToLower(t) {
	case "http", "streamable-http", "streamable_http", "streamablehttp":
		return TransportStreamableHTTP
	case "sse":
		return TransportSSE
	default:
		return strings.ToLower(t)
	}
}

func appendUnique(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
