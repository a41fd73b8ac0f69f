// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package render turns an MCPServer into the Kubernetes objects that run it, by rendering the
// embedded mcp-server Helm chart with layered values. It is pure: no API calls, no clock, so the
// same input always gives the same objects.
package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/platform"
)

// RouteAPIVersion and HTTPRouteAPIVersion are the capabilities that tell the chart the cluster
// serves Routes and HTTPRoutes.
const (
	RouteAPIVersion     = "route.openshift.io/v1/Route"
	HTTPRouteAPIVersion = "gateway.networking.k8s.io/v1/HTTPRoute"
)

// Capabilities describes a cluster to the chart: Helm's defaults, plus the Route and HTTPRoute
// APIs where the cluster serves them.
func Capabilities(apis platform.APIs) *chartutil.Capabilities {
	caps := chartutil.DefaultCapabilities.Copy()
	versions := append(chartutil.VersionSet{}, caps.APIVersions...)
	if apis.Routes {
		versions = append(versions, "route.openshift.io/v1", RouteAPIVersion)
	}
	if apis.HTTPRoutes {
		versions = append(versions, "gateway.networking.k8s.io/v1", HTTPRouteAPIVersion)
	}
	caps.APIVersions = versions
	return caps
}

// AdminValues are the two layers of chart values that cluster admins set: defaults fill what an
// MCPServer leaves out, overrides win over what it says.
type AdminValues struct {
	Defaults  map[string]any
	Overrides map[string]any
}

// Request is everything one render depends on.
type Request struct {
	Server *mcpv1beta1.MCPServer
	// ConfigHash digests the data of the ConfigMaps and Secrets the server references.
	ConfigHash string
	Admin      AdminValues
	// Operator is the operator's own layer, beneath the admin defaults: what it knows of
	// itself (OperatorValues).
	Operator map[string]any
	// Gateway is where spec.gateway routes the server; nil renders no HTTPRoute.
	Gateway *Gateway
	// Capabilities describe the cluster to the templates; nil means Helm's defaults.
	Capabilities *chartutil.Capabilities
}

// Renderer renders the mcp-server chart, parsed once.
type Renderer struct {
	chart   *chart.Chart
	decoder runtime.Decoder
}

// NewRenderer loads the chart in folder dir of fsys.
func NewRenderer(fsys fs.FS, dir string) (*Renderer, error) {
	var files []*loader.BufferedFile
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files = append(files, &loader.BufferedFile{Name: strings.TrimPrefix(p, dir+"/"), Data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading chart %s: %w", dir, err)
	}
	c, err := loader.LoadFiles(files)
	if err != nil {
		return nil, fmt.Errorf("loading chart %s: %w", dir, err)
	}
	scheme, err := managedScheme()
	if err != nil {
		return nil, err
	}
	// Strict decoding: a field the template misspells is an error, not silently dropped.
	decoder := serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()
	return &Renderer{chart: c, decoder: decoder}, nil
}

// Values layers the values of a request, lowest first: admin defaults, the MCPServer's spec,
// admin overrides. The chart's own defaults go beneath these when rendering.
func (r *Renderer) Values(req Request) (map[string]any, error) {
	spec, err := SpecValues(req.Server, req.ConfigHash)
	if err != nil {
		return nil, err
	}
	if req.Gateway != nil {
		path := req.Server.Spec.Config.Path
		if path == "" {
			path = "/mcp" // the API's default
		}
		spec["gateway"] = gatewayValues(req.Gateway, path)
	}
	// CoalesceTables merges its second argument under its first and modifies both, so every
	// layer is a copy: the admin layers are shared by every render.
	overrides, err := deepCopy(req.Admin.Overrides)
	if err != nil {
		return nil, fmt.Errorf("admin overrides: %w", err)
	}
	defaults, err := deepCopy(req.Admin.Defaults)
	if err != nil {
		return nil, fmt.Errorf("admin defaults: %w", err)
	}
	operator, err := deepCopy(req.Operator)
	if err != nil {
		return nil, fmt.Errorf("operator values: %w", err)
	}
	values := chartutil.CoalesceTables(overrides, spec)
	values = chartutil.CoalesceTables(values, defaults)
	return chartutil.CoalesceTables(values, operator), nil
}

// Render returns the objects for one MCPServer, in a stable order, without owner references
// (the caller adds those when it applies them).
func (r *Renderer) Render(req Request) ([]client.Object, error) {
	values, err := r.Values(req)
	if err != nil {
		return nil, err
	}
	return r.RenderValues(req.Server.Name, req.Server.Namespace, values, req.Capabilities)
}

// RenderValues renders the chart for the release name and namespace with the given values
// (the chart's defaults beneath them), as `helm template name -n namespace -f values` would.
func (r *Renderer) RenderValues(name, namespace string, values map[string]any, caps *chartutil.Capabilities) ([]client.Object, error) {
	renderValues, err := chartutil.ToRenderValues(r.chart, values,
		chartutil.ReleaseOptions{Name: name, Namespace: namespace, IsInstall: true}, caps)
	if err != nil {
		return nil, fmt.Errorf("chart values: %w", err)
	}
	manifests, err := engine.Render(r.chart, renderValues)
	if err != nil {
		return nil, fmt.Errorf("rendering the chart: %w", err)
	}
	files := make([]string, 0, len(manifests))
	for f := range manifests {
		files = append(files, f)
	}
	sort.Strings(files)
	var objs []client.Object
	for _, f := range files {
		if path.Ext(f) != ".yaml" {
			continue
		}
		decoded, err := r.decodeManifest(manifests[f])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		objs = append(objs, decoded...)
	}
	return objs, nil
}

// decodeManifest decodes every YAML document of one rendered template into a typed object of
// a managed kind.
func (r *Renderer) decodeManifest(manifest string) ([]client.Object, error) {
	var objs []client.Object
	reader := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(yamlSafe(manifest))))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, err
		}
		if isBlank(doc) {
			continue
		}
		// Converting to JSON here, once and strictly (duplicate keys are errors), spares the
		// decoder its own two passes over the YAML; it decodes the JSON strictly.
		doc, err = yaml.YAMLToJSONStrict(doc)
		if err != nil {
			return nil, fmt.Errorf("the chart rendered invalid YAML: %w", err)
		}
		obj, gvk, err := r.decoder.Decode(doc, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("the chart rendered an invalid object: %w", err)
		}
		if !isManaged(*gvk) {
			return nil, fmt.Errorf("the chart rendered a %s, which the operator does not manage", gvk)
		}
		cobj, ok := obj.(client.Object)
		if !ok {
			return nil, fmt.Errorf("the chart rendered a %s that is not an object", gvk)
		}
		cobj.GetObjectKind().SetGroupVersionKind(*gvk)
		objs = append(objs, cobj)
	}
}

// yamlSafe escapes the characters that Go's JSON encoder (behind the templates' toJson) leaves
// raw but YAML does not allow raw, or reads as line breaks: DEL, the C1 controls, U+FFFE and
// U+FFFF. The templates write every value with toJson, so such characters only ever stand inside
// double-quoted strings, where YAML reads the \u escape back to the same character.
func yamlSafe(manifest string) string {
	needsEscape := func(r rune) bool {
		return r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0xfffe || r == 0xffff
	}
	if strings.IndexFunc(manifest, needsEscape) < 0 {
		return manifest
	}
	var b strings.Builder
	for _, r := range manifest {
		if needsEscape(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isBlank reports whether a YAML document holds nothing but white space and comments.
func isBlank(doc []byte) bool {
	for _, line := range bytes.Split(doc, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' {
			return false
		}
	}
	return true
}

// deepCopy copies chart values through JSON, which takes any value YAML or Go code produces.
func deepCopy(m map[string]any) (map[string]any, error) {
	out := map[string]any{}
	if len(m) == 0 {
		return out, nil
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return out, json.Unmarshal(raw, &out)
}
