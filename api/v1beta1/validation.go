// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package v1beta1

import "k8s.io/apimachinery/pkg/util/validation"

// NameProblem says why name cannot name an MCPServer's objects, or "" when it can. Every object
// made for an MCPServer carries its name, and a Service name must be a DNS-1035 label:
// stricter than what the API server accepts for the MCPServer itself, so the operator reports
// it in the Accepted condition and the catalog page at its name field.
func NameProblem(name string) string {
	if errs := validation.IsDNS1035Label(name); len(errs) > 0 {
		return errs[0]
	}
	return ""
}
