// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// The deploy form shows each refusal once, next to the field it is about, in words: the API
// server's causes name fields of the MCPServer (spec.config.port) and explain name rules with
// the regular expression that checks them; a person filled in a form (Port) and wants to know
// what to type.

// formFields maps the MCPServer's field paths to the deploy form's fields.
var formFields = map[string]string{
	"metadata.name":                            "name",
	"metadata.namespace":                       "namespace",
	"spec.config.port":                         "port",
	"spec.config.path":                         "path",
	"spec.runtime.security.serviceAccountName": "serviceAccount",
}

// fieldNames names, for a person, the fields the form does not show.
var fieldNames = map[string]string{
	"spec.source.containerImage.ref": "The catalog entry's image",
}

var (
	envIndex     = regexp.MustCompile(`^spec\.config\.env\[(\d+)\]`)
	invalidValue = regexp.MustCompile(`^(Invalid value|Required value|Unsupported value|Duplicate value|Too long|Too many): ("(\\.|[^"\\])*"|[^:]*): `)
	inBody       = regexp.MustCompile(`^[\w.\[\]]+ in body `)
	regexHint    = regexp.MustCompile(`\s*\((e\.g\. .*)?regex used for validation is '.*'\)`)
)

// plainRules says Kubernetes' name rules as a person would.
var plainRules = strings.NewReplacer(
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
	"use lowercase letters, digits and '-', starting and ending with a letter or digit",
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
	"use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
	"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
	"use lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
	"must be no more than 63 characters", "use at most 63 characters",
	"should be greater than or equal to", "must be at least",
	"should be less than or equal to", "must be at most",
	"Some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
	"Some rules could not be checked yet: correct the fields marked and deploy again",
)

// inWords turns a validation message into a sentence for a person: no field path, no
// repeated value, no regular expression.
func inWords(message string) string {
	if message == "Required value" {
		return "Enter a value"
	}
	m := invalidValue.ReplaceAllString(message, "")
	m = inBody.ReplaceAllString(m, "")
	m = regexHint.ReplaceAllString(m, "")
	m = plainRules.Replace(m)
	if m == "" {
		return message
	}
	return strings.ToUpper(m[:1]) + m[1:]
}

// FieldErrorsOf turns the causes of an API server's refusal of server into form errors: each
// cause once, at its form field where the form has one.
func FieldErrorsOf(err error, server *mcpv1beta1.MCPServer) []FieldError {
	var status apierrors.APIStatus
	fields := []FieldError{}
	if !apierrors.IsInvalid(err) || !errors.As(err, &status) || status.Status().Details == nil {
		return fields
	}
	seen := map[FieldError]bool{}
	for _, cause := range status.Status().Details.Causes {
		fe := FieldError{Field: formField(cause.Field, server), Message: inWords(cause.Message)}
		if name, ok := fieldNames[fe.Field]; ok {
			fe.Message = name + ": " + lowerFirst(fe.Message)
		}
		if !seen[fe] {
			seen[fe] = true
			fields = append(fields, fe)
		}
	}
	return fields
}

// formField returns the form field a path of the MCPServer comes from, or the path itself.
func formField(path string, server *mcpv1beta1.MCPServer) string {
	if path == "" || path == "<nil>" { // a cause about the whole object
		return ""
	}
	if f, ok := formFields[path]; ok {
		return f
	}
	if strings.HasPrefix(path, "spec.config.arguments") {
		return "args"
	}
	if m := envIndex.FindStringSubmatch(path); m != nil && server != nil {
		if i, err := strconv.Atoi(m[1]); err == nil && i < len(server.Spec.Config.Env) {
			return "env." + server.Spec.Config.Env[i].Name
		}
	}
	return path
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
