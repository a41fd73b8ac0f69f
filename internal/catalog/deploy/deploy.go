// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package deploy builds what the catalog page creates for a deployment: the MCPServer and the
// Secret of its secret variables, from a catalog entry and the form a person filled in, and
// says what is wrong with that form in words, at its fields.
package deploy

import (
	"fmt"
	"regexp"

	"github.com/mcp-operator/mcp-operator/internal/catalog"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// Request is what the deploy form sends.
type Request struct {
	EntryID   string   `json:"entryId"`
	Name      string   `json:"name"`
	Namespace string   `json:"namespace"`
	Port      int32    `json:"port"`
	Path      string   `json:"path"`
	Args      []string `json:"args"`
	Env       []Env    `json:"env"`
	// ServiceAccount the server runs as; empty: the namespace's default.
	ServiceAccount string `json:"serviceAccount,omitempty"`
}

// Env is one environment variable as the user filled it in.
type Env struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Secret bool   `json:"secret"`
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// FieldError is a problem with one form field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Validate checks what only the catalog knows about a deploy request: the name must be able to
// name the server's Service (as the operator requires), the namespace must be one, and the
// environment must suit the catalog entry. Everything the MCPServer API itself decides (port,
// path, arguments, service account, image) is left to the API server: the deploy handler asks
// it with a server-side dry run, so those rules live once, in the CRD.
func (d *Request) Validate(e catalog.Entry) []FieldError {
	var errs []FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if d.Name == "" {
		add("name", "Enter a name")
	} else if problem := mcpv1beta1.NameProblem(d.Name); problem != "" {
		add("name", "%s", inWords(problem))
	}
	if d.Namespace == "" {
		add("namespace", "Choose a namespace")
	} else if msgs := validation.IsDNS1123Label(d.Namespace); len(msgs) > 0 {
		add("namespace", "%s", inWords(msgs[0]))
	}
	given := map[string]bool{}
	for _, v := range d.Env {
		if !envName.MatchString(v.Name) {
			add("env."+v.Name, "The name %q must be letters, digits and '_', not starting with a digit", v.Name)
		}
		if given[v.Name] {
			add("env."+v.Name, "%s is set twice", v.Name)
		}
		given[v.Name] = v.Value != ""
	}
	for _, v := range e.Env {
		if v.Required && !given[v.Name] {
			add("env."+v.Name, "%s is required", v.Name)
		}
	}
	return errs
}

// secretName names the Secret that holds a deployment's secret environment values.
func secretName(server string) string { return server + "-env" }

// Objects builds the MCPServer for a validated request, run as launch says, and the Secret
// for its secret values (nil when there are none): secret values never appear in the
// MCPServer. A variable is secret when the request says so or the catalog entry does; the
// entry cannot be overruled.
func (d *Request) Objects(e catalog.Entry, launch Launch) (*mcpv1beta1.MCPServer, *corev1.Secret) {
	secretInEntry := map[string]bool{}
	for _, v := range e.Env {
		secretInEntry[v.Name] = v.Secret
	}
	server := &mcpv1beta1.MCPServer{
		ObjectMeta: metav1.ObjectMeta{Name: d.Name, Namespace: d.Namespace,
			Labels:      map[string]string{"app.kubernetes.io/created-by": "mcp-catalog"},
			Annotations: map[string]string{"mcp.x-k8s.io/catalog-entry": e.ID}},
		Spec: mcpv1beta1.MCPServerSpec{
			Source: mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage,
				ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: launch.Image}},
			Config:  mcpv1beta1.ServerConfig{Port: d.Port, Path: d.Path, Arguments: d.Args, Storage: launch.storage},
			Runtime: mcpv1beta1.RuntimeConfig{Security: mcpv1beta1.SecurityConfig{ServiceAccountName: d.ServiceAccount}},
		},
	}
	if launch.Stdio {
		server.Spec.Stdio = &mcpv1beta1.StdioConfig{Command: launch.Command}
	}
	given := map[string]bool{}
	for _, v := range d.Env {
		given[v.Name] = v.Value != ""
	}
	for _, v := range launch.env {
		if !given[v.Name] { // the person's value wins over the runner's default
			server.Spec.Config.Env = append(server.Spec.Config.Env, v)
		}
	}
	var secret *corev1.Secret
	for _, v := range d.Env {
		if v.Value == "" {
			continue
		}
		if !v.Secret && !secretInEntry[v.Name] {
			server.Spec.Config.Env = append(server.Spec.Config.Env, corev1.EnvVar{Name: v.Name, Value: v.Value})
			continue
		}
		if secret == nil {
			secret = &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: secretName(d.Name), Namespace: d.Namespace,
				Labels: map[string]string{"app.kubernetes.io/created-by": "mcp-catalog"}}, StringData: map[string]string{}}
		}
		secret.StringData[v.Name] = v.Value
		server.Spec.Config.Env = append(server.Spec.Config.Env, corev1.EnvVar{Name: v.Name, ValueFrom: &corev1.EnvVarSource{
			SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: secretName(d.Name)}, Key: v.Name},
		}})
	}
	return server, secret
}
