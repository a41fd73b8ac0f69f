// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package references

import (
	"fmt"
)

// Found is what the caller knows about one referenced object: whether it exists and, when
// it was read, which keys it has.
type Found struct {
	Exists bool
	// Keys holds the object's data keys; nil when the data was not read.
	Keys map[string]bool
}

// Problems returns one message per required reference that cannot be satisfied: the object is
// missing, or it lacks the key the reference needs. Optional references are skipped, as the
// kubelet skips them.
func Problems(refs []Reference, lookup func(Object) Found) []string {
	var problems []string
	for _, r := range refs {
		if r.Optional {
			continue
		}
		found := lookup(Object{Kind: r.Kind, Name: r.Name})
		switch {
		case !found.Exists:
			problems = append(problems, fmt.Sprintf("%s %q not found (referenced by %s)", r.Kind, r.Name, r.Where))
		case r.Key != "" && found.Keys != nil && !found.Keys[r.Key]:
			problems = append(problems, fmt.Sprintf("%s %q has no key %q (referenced by %s)", r.Kind, r.Name, r.Key, r.Where))
		}
	}
	return problems
}
