// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package v1alpha1 contains the MCPServer API, group mcp.x-k8s.io, version v1alpha1.
//
// The schema is a compatibility contract with the Kubernetes SIG Apps MCP lifecycle operator:
// manifests written for it apply here unchanged. Fields beyond that schema are additive and
// optional, and never change the meaning of a manifest that does not use them.
//
// +kubebuilder:object:generate=true
// +groupName=mcp.x-k8s.io
package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// GroupVersion is the group and version of the MCPServer API.
	GroupVersion = schema.GroupVersion{Group: "mcp.x-k8s.io", Version: "v1alpha1"}

	// SchemeBuilder registers the API's Go types with a runtime.Scheme.
	SchemeBuilder = &scheme.Builder{GroupVersion: GroupVersion}

	// AddToScheme adds the API's types to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)
