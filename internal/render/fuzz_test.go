// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package render_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// FuzzRenderCarriesStringsVerbatim: whatever a user writes in the free-text fields of a
// schema-valid spec (quotes, newlines, template delimiters, YAML syntax), the rendered objects
// hold exactly that text where the spec put it, and nothing else changes shape: no template or
// YAML injection through any field.
func FuzzRenderCarriesStringsVerbatim(f *testing.F) {
	for _, seed := range []string{
		`plain`, `"double" 'single'`, "line1\nline2", `{{ .Values }}`, `{{- fail "boom" }}`, `{{ template "x" }}`,
		`key: value`, `- item`, `&anchor`, `*alias`, `!!binary AAAA`, "---\nkind: Secret", `# comment`,
		"tab\there", `\u0000`, `null`, `true`, `0x1F`, `1e3`, `~`, `[a, b]`, `{a: b}`, `%TAG ! tag:x`, `@`, "`",
		"ünïcødé ✓", `|`, `>-`, "trailing space ", ` leading space`, `a:b`, `"`,
	} {
		f.Add(seed, seed+"-2", seed)
	}
	r := newRenderer(f)
	f.Fuzz(func(t *testing.T, arg, envValue, annotation string) {
		if arg == "" || !utf8.ValidString(arg) || !utf8.ValidString(envValue) || !utf8.ValidString(annotation) {
			t.Skip("not schema-valid: arguments are non-empty, and strings are UTF-8")
		}
		s := customerServer()
		s.Spec.Config.Arguments = []string{arg, "--fixed", arg}
		s.Spec.Config.Env = []corev1.EnvVar{{Name: "FUZZ", Value: envValue}, {Name: "AFTER", Value: "sentinel"}}
		s.Spec.ExtraAnnotations = map[string]string{"example.com/fuzz": annotation, "example.com/after": "sentinel"}
		s.Spec.Config.Storage = append(s.Spec.Config.Storage, mcpv1beta1.StorageMount{
			Path: "/data/" + strings.ReplaceAll(arg, ":", "_"), Permissions: mcpv1beta1.MountPermissionsReadWrite,
			Source: mcpv1beta1.StorageSource{Type: mcpv1beta1.StorageTypeEmptyDir, EmptyDir: &corev1.EmptyDirVolumeSource{}},
		})
		objs, err := r.Render(render.Request{Server: s})
		if err != nil {
			t.Fatalf("render failed for %q / %q / %q: %v", arg, envValue, annotation, err)
		}
		if len(objs) != 3 {
			t.Fatalf("rendered %d objects, want 3", len(objs))
		}
		d, svc, _ := objectsByKind(t, objs)
		c := d.Spec.Template.Spec.Containers[0]
		checks := []struct {
			what      string
			want, got any
		}{
			{"args", s.Spec.Config.Arguments, c.Args},
			{"env", s.Spec.Config.Env, c.Env},
			{"Deployment annotations", s.Spec.ExtraAnnotations, d.Annotations},
			{"Service annotations", s.Spec.ExtraAnnotations, svc.Annotations},
			{"pod annotations", s.Spec.ExtraAnnotations, d.Spec.Template.Annotations},
			{"mount path", s.Spec.Config.Storage[1].Path, c.VolumeMounts[1].MountPath},
			{"image", s.Spec.Source.ContainerImage.Ref, c.Image},
			{"container count", 1, len(d.Spec.Template.Spec.Containers)},
		}
		for _, check := range checks {
			if diff := cmp.Diff(check.want, check.got); diff != "" {
				t.Errorf("%s changed on the way through the chart (-spec +rendered):\n%s", check.what, diff)
			}
		}
		if name := fmt.Sprint(d.Name, svc.Name); name != s.Name+s.Name {
			t.Errorf("object names %q %q", d.Name, svc.Name)
		}
	})
}
