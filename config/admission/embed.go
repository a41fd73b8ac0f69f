// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package admission embeds the MCPServer image admission policy of this folder, so that the
// operator can install it itself where no manifest can carry it (OLM bundles cannot hold a
// ValidatingAdmissionPolicy).
package admission

import _ "embed"

// Policy, Binding and Params are the manifests of this folder.
var (
	//go:embed image_policy.yaml
	Policy []byte
	//go:embed image_policy_binding.yaml
	Binding []byte
	//go:embed image_policy_params.yaml
	Params []byte
)
