// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package render

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/platform"
)

// everyFieldFixture is the API's MCPServer that sets every field of the schema, which the
// round-trip test of api/v1alpha1 holds to the CRD and the Go types.
const everyFieldFixture = "../../api/v1alpha1/testdata/every-field.yaml"

// notRendered are the spec fields that reach no rendered object on purpose, and why.
var notRendered = map[string]string{
	"source.type":                       "the discriminator of source: ContainerImage is the only type, and its image is rendered",
	"config.path":                       "where the MCP endpoint answers: status.address.url and the handshake use it; the chart serves the whole port",
	"transport.tls.enabled":             "how the operator speaks to the server (https in status.address.url and the handshake); the image serves TLS itself",
	"transport.tls.caBundleSecret.name": "the roots the handshake trusts; the bundle's data reaches the pods through the config hash (references)",
}

func readEveryField(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.FromSlash(everyFieldFixture))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// leaf is one leaf of a decoded JSON value: the keys (string) and list indices (int) that lead
// to it, and its value.
type leaf struct {
	path  []any
	value any
}

func (l leaf) String() string {
	var b strings.Builder
	for _, step := range l.path {
		switch step := step.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", step)
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(step)
		}
	}
	return b.String()
}

// leaves lists the leaves of a decoded JSON value.
func leaves(v any, prefix []any) []leaf {
	var out []leaf
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			out = append(out, leaves(child, append(append([]any{}, prefix...), k))...)
		}
	case []any:
		for i, child := range v {
			out = append(out, leaves(child, append(append([]any{}, prefix...), i))...)
		}
	default:
		out = append(out, leaf{path: prefix, value: v})
	}
	return out
}

// ownField names the field of the API's own types a leaf belongs to: the path down to the
// first value whose type is not the API's (a corev1.Probe, a map of labels), without list
// indices. Two specs set the same own fields when they use the same parts of the API, whatever
// they write inside the Kubernetes types those parts embed.
func ownField(path []any) string {
	apiPkg := reflect.TypeOf(mcpv1beta1.MCPServerSpec{}).PkgPath()
	t := reflect.TypeOf(mcpv1beta1.MCPServerSpec{})
	var names []string
	for _, step := range path {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		name, ok := step.(string)
		if !ok {
			continue
		}
		if t.Kind() != reflect.Struct || t.PkgPath() != apiPkg {
			break
		}
		field, found := fieldByJSONName(t, name)
		if !found {
			break
		}
		names = append(names, name)
		t = field.Type
	}
	return strings.Join(names, ".")
}

func fieldByJSONName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func specLeaves(t *testing.T, spec any) []leaf {
	t.Helper()
	raw, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	var decoded any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	return leaves(decoded, nil)
}

func ownFields(t *testing.T, spec any) map[string]bool {
	out := map[string]bool{}
	for _, l := range specLeaves(t, spec) {
		out[ownField(l.path)] = true
	}
	return out
}

// TestTheRepresentativeServerSetsEveryField: the server CheckAdminValues renders to test admin
// values sets every field the API's every-field fixture sets, so that admin values breaking
// any template path are refused. A field added to the API and its fixture fails here until the
// representative server uses it too.
func TestTheRepresentativeServerSetsEveryField(t *testing.T) {
	fixture := ownFields(t, readEveryField(t)["spec"])
	representative := ownFields(t, representativeServer().Spec)
	var missing []string
	for p := range fixture {
		if !representative[p] {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("representativeServer does not set %s", strings.Join(missing, ", "))
	}
}

// TestEverySpecFieldReachesTheRenderedObjects changes each field of the every-field fixture in
// turn and renders it: what is rendered must change, unless the field is listed in notRendered
// with the reason. A field added to the API but forgotten in SpecValues fails here.
func TestEverySpecFieldReachesTheRenderedObjects(t *testing.T) {
	r, err := NewRenderer(helmcharts.MCPServer, helmcharts.MCPServerDir)
	if err != nil {
		t.Fatal(err)
	}
	doc := readEveryField(t)
	render := func(spec any) (string, error) {
		d := map[string]any{"apiVersion": doc["apiVersion"], "kind": doc["kind"], "metadata": doc["metadata"], "spec": spec}
		raw, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		server := &mcpv1beta1.MCPServer{}
		if err := json.Unmarshal(raw, server); err != nil {
			return "", err
		}
		objs, err := r.Render(Request{Server: server, ConfigHash: "0123456789abcdef", Capabilities: Capabilities(platform.APIs{Routes: true})})
		if err != nil {
			return "", err
		}
		out, err := json.Marshal(objs)
		return string(out), err
	}
	base, err := render(doc["spec"])
	if err != nil {
		t.Fatalf("rendering the fixture: %v", err)
	}
	unused := map[string]bool{}
	for p := range notRendered {
		unused[p] = true
	}
	for _, l := range specLeaves(t, doc["spec"]) {
		spec := deepCopyJSON(doc["spec"])
		setLeaf(spec, l.path, changed(l.value))
		// A changed value that no longer renders is read by the chart too: only an unchanged
		// rendering means the field is lost.
		got, err := render(spec)
		if err == nil && got == base {
			if _, ok := notRendered[l.String()]; ok {
				delete(unused, l.String())
				continue
			}
			t.Errorf("spec.%s (%v) changes nothing that is rendered: render it, or list it in notRendered with the reason", l, l.value)
		}
	}
	for p := range unused {
		t.Errorf("notRendered lists spec.%s, which the fixture does not set or which is rendered after all", p)
	}
}

// enumAlternatives change a field with a fixed set of values to another of its values.
var enumAlternatives = map[string]string{
	string(mcpv1beta1.MountPermissionsReadOnly): string(mcpv1beta1.MountPermissionsReadWrite),
}

// changed returns another value of the same kind.
func changed(v any) any {
	if alt, ok := enumAlternatives[fmt.Sprint(v)]; ok {
		return alt
	}
	switch v := v.(type) {
	case bool:
		return !v
	case float64:
		return v + 1
	case string:
		if q, err := resource.ParseQuantity(v); err == nil && v != "" && !strings.ContainsAny(v[:1], "/") {
			q.Add(q)
			return q.String()
		}
		return v + "x"
	}
	return v
}

func deepCopyJSON(v any) any {
	raw, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(raw, &out)
	return out
}

// setLeaf sets the leaf at path.
func setLeaf(root any, path []any, value any) {
	parent := root
	for i, step := range path {
		last := i == len(path)-1
		switch step := step.(type) {
		case int:
			list := parent.([]any)
			if last {
				list[step] = value
				return
			}
			parent = list[step]
		case string:
			m := parent.(map[string]any)
			if last {
				m[step] = value
				return
			}
			parent = m[step]
		}
	}
}
