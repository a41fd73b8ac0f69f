// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

func TestInWords(t *testing.T) {
	tests := map[string]struct{ message, want string }{
		"a DNS-1035 label, from Kubernetes' own check": {validation.IsDNS1035Label("Bad_Name")[0],
			"Use lowercase letters, digits and '-', starting with a letter and ending with a letter or digit"},
		"an RFC 1123 label": {validation.IsDNS1123Label("Team_A")[0],
			"Use lowercase letters, digits and '-', starting and ending with a letter or digit"},
		"an RFC 1123 subdomain, as the API server says it": {field.Invalid(field.NewPath("metadata", "name"), "A_", validation.IsDNS1123Subdomain("A_")[0]).ErrorBody(),
			"Use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"},
		"an OpenAPI bound": {`Invalid value: 0: spec.config.port in body should be greater than or equal to 1`, "Must be at least 1"},
		"a CEL rule's message is already words": {`Invalid value: "string": must end with a tag (for example :1.2.3) or a digest (for example @sha256:<hex>)`,
			"Must end with a tag (for example :1.2.3) or a digest (for example @sha256:<hex>)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := inWords(tc.message)
			if got != tc.want {
				t.Errorf("inWords(%q)\n = %q\nwant %q", tc.message, got, tc.want)
			}
			if strings.Contains(got, "regex") {
				t.Errorf("a regular expression is left in %q", got)
			}
		})
	}
}

func TestFieldErrorsOfARefusal(t *testing.T) {
	server := &mcpv1beta1.MCPServer{}
	server.Spec.Config.Env = append(server.Spec.Config.Env, envVar("LOG_LEVEL"), envVar("API_KEY"))
	err := apierrors.NewInvalid(schema.GroupKind{Group: "mcp.x-k8s.io", Kind: "MCPServer"}, "x", field.ErrorList{
		field.Invalid(field.NewPath("spec", "config", "port"), 0, "spec.config.port in body should be greater than or equal to 1"),
		field.Invalid(field.NewPath("spec", "config", "port"), 0, "spec.config.port in body should be greater than or equal to 1"),
		field.Invalid(field.NewPath("spec", "config", "env").Index(1).Child("name"), "API_KEY", "is taken"),
		field.Invalid(field.NewPath("spec", "source", "containerImage", "ref"), "r", "must end with a tag"),
		field.Invalid(field.NewPath("spec", "config", "arguments").Index(0), "", "must not be empty"),
	})
	want := []FieldError{
		{Field: "port", Message: "Must be at least 1"},
		{Field: "env.API_KEY", Message: "Is taken"},
		{Field: "spec.source.containerImage.ref", Message: "The catalog entry's image: must end with a tag"},
		{Field: "args", Message: "Must not be empty"},
	}
	if diff := cmp.Diff(want, FieldErrorsOf(err, server)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func envVar(name string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: "v"} }
