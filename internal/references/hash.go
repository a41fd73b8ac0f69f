// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package references

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sort"
)

// Digest is the digest of one referenced object's data.
type Digest struct {
	Object Object
	Value  string
}

// DigestData digests one object's data (every key and value). The caller keeps the digest, not
// the data, so that Secret contents do not linger in the operator's memory.
func DigestData(values map[string][]byte) string {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		writeField(h, []byte(k))
		writeField(h, values[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Hash combines the digests of the referenced objects into the config hash on the pod
// template. It does not depend on the order of its input, so it changes only when content
// does; "" means nothing is referenced.
func Hash(digests []Digest) string {
	if len(digests) == 0 {
		return ""
	}
	sorted := append([]Digest(nil), digests...)
	sort.Slice(sorted, func(i, j int) bool {
		a, b := sorted[i].Object, sorted[j].Object
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Name < b.Name
	})
	h := sha256.New()
	for _, d := range sorted {
		writeField(h, []byte(d.Object.Kind))
		writeField(h, []byte(d.Object.Name))
		writeField(h, []byte(d.Value))
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// writeField writes a length-prefixed field, so that no two different inputs hash the same
// by shifting bytes between fields.
func writeField(h hash.Hash, b []byte) {
	n := len(b)
	_, _ = h.Write([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	_, _ = h.Write(b)
}
