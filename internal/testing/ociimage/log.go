// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package ociimage

import (
	"io"
	"log"
)

// nopLogger keeps the registry's request log out of the tests' output.
func nopLogger() *log.Logger { return log.New(io.Discard, "", 0) }
