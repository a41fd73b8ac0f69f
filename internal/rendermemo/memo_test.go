// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package rendermemo

import "testing"

func TestSameObject(t *testing.T) {
	deployment := liveMark{resourceVersion: "1", generation: 2, metadata: metadataDigest(map[string]string{"a": "b"}, nil), statusMoves: true}
	service := liveMark{resourceVersion: "1", generation: 0, metadata: "m"}
	tests := map[string]struct {
		was, now liveMark
		same     bool
	}{
		"unchanged":                  {service, service, true},
		"a service written":          {service, liveMark{resourceVersion: "2", metadata: "m"}, false},
		"a deployment's status only": {deployment, liveMark{resourceVersion: "9", generation: 2, metadata: deployment.metadata, statusMoves: true}, true},
		"a deployment's spec":        {deployment, liveMark{resourceVersion: "9", generation: 3, metadata: deployment.metadata, statusMoves: true}, false},
		"a deployment's labels": {deployment, liveMark{resourceVersion: "9", generation: 2,
			metadata: metadataDigest(map[string]string{"a": "c"}, nil), statusMoves: true}, false},
	}
	for name, tc := range tests {
		if got := sameObject(tc.was, tc.now); got != tc.same {
			t.Errorf("%s: sameObject = %v, want %v", name, got, tc.same)
		}
	}
}

func TestMetadataDigestSeparatesLabelsFromAnnotations(t *testing.T) {
	ab := map[string]string{"a": "b"}
	if metadataDigest(ab, nil) == metadataDigest(nil, ab) {
		t.Error("a label and the same annotation digest alike")
	}
	if metadataDigest(map[string]string{"a": "b", "c": "d"}, nil) != metadataDigest(map[string]string{"c": "d", "a": "b"}, nil) {
		t.Error("the digest depends on map order")
	}
}
