// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package v1beta1 contains the MCPServer API, group mcp.x-k8s.io, version v1beta1: the
// storage version, and the version the operator reads and writes.
//
// The schema is a compatibility contract with the Kubernetes SIG Apps MCP lifecycle operator's
// v1beta1: manifests written for it apply here unchanged and mean the same. Fields beyond that
// schema (marked "ours") are additive and optional, exist in v1alpha1 too, and never change the
// meaning of a manifest that does not use them. v1alpha1 is served beside it and converted
// (api/v1alpha1's conversion); this package is the conversion hub.
//
// +kubebuilder:object:generate=true
// +groupName=mcp.x-k8s.io
package v1beta1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// GroupVersion is the group and version of the MCPServer API.
	GroupVersion = schema.GroupVersion{Group: "mcp.x-k8s.io", Version: "v1beta1"}

	// SchemeBuilder registers the API's Go types with a runtime.Scheme.
	SchemeBuilder = &scheme.Builder{GroupVersion: GroupVersion}

	// AddToScheme adds the API's types to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// Hub marks MCPServer as the version every other version converts to and from.
func (*MCPServer) Hub() {}
