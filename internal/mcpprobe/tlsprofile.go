// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe

import (
	"crypto/tls"
	"fmt"
	"strings"
)

// TLSProfile tightens the TLS of handshakes beyond the default (TLS 1.2 or later, Go's
// ciphers and groups), as a cluster's TLS security profile asks: it can raise the floor,
// never lower it.
type TLSProfile struct {
	MinVersion       uint16
	CipherSuites     []uint16
	CurvePreferences []tls.CurveID
}

// TLSProfileFromEnv reads the profile upstream's operator reads: TLS_MIN_VERSION (1.2, 1.3,
// VersionTLS12 or VersionTLS13), TLS_CIPHER_SUITES and TLS_GROUPS (comma-separated Go/IANA
// names, e.g. TLS_AES_128_GCM_SHA256, X25519). Unknown names and versions below 1.2 are errors.
func TLSProfileFromEnv(getenv func(string) string) (TLSProfile, error) {
	p := TLSProfile{MinVersion: tls.VersionTLS12}
	switch v := strings.TrimSpace(getenv("TLS_MIN_VERSION")); v {
	case "", "1.2", "VersionTLS12":
	case "1.3", "VersionTLS13":
		p.MinVersion = tls.VersionTLS13
	default:
		return p, fmt.Errorf("TLS_MIN_VERSION=%q: want 1.2 or 1.3 (VersionTLS12, VersionTLS13); the operator never speaks older TLS", v)
	}
	suites := map[string]uint16{}
	for _, s := range tls.CipherSuites() {
		suites[s.Name] = s.ID
	}
	for _, name := range fields(getenv("TLS_CIPHER_SUITES")) {
		id, ok := suites[name]
		if !ok {
			return p, fmt.Errorf("TLS_CIPHER_SUITES: %q is not a secure cipher suite Go knows", name)
		}
		p.CipherSuites = append(p.CipherSuites, id)
	}
	groups := map[string]tls.CurveID{"X25519": tls.X25519, "P256": tls.CurveP256, "P-256": tls.CurveP256, "secp256r1": tls.CurveP256,
		"P384": tls.CurveP384, "P-384": tls.CurveP384, "secp384r1": tls.CurveP384, "P521": tls.CurveP521, "P-521": tls.CurveP521,
		"secp521r1": tls.CurveP521, "X25519MLKEM768": tls.X25519MLKEM768}
	for _, name := range fields(getenv("TLS_GROUPS")) {
		id, ok := groups[name]
		if !ok {
			return p, fmt.Errorf("TLS_GROUPS: %q is not a group Go supports", name)
		}
		p.CurvePreferences = append(p.CurvePreferences, id)
	}
	return p, nil
}

func fields(list string) []string {
	var out []string
	for _, f := range strings.Split(list, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
