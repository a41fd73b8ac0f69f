// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcptest

import (
	"crypto/tls"
	"net"

	certutil "k8s.io/client-go/util/cert"
)

// TestCA is a certificate authority of one serving certificate, for servers that speak HTTPS.
type TestCA struct {
	// CABundle is the PEM of the CA certificate: what a client trusts.
	CABundle []byte
	// Cert serves the names the CA was made for.
	Cert tls.Certificate
}

// NewTestCA makes a new CA and a serving certificate, signed by it, for the DNS names given
// (and 127.0.0.1).
func NewTestCA(names ...string) (*TestCA, error) {
	certs, key, err := certutil.GenerateSelfSignedCertKey(names[0], []net.IP{net.ParseIP("127.0.0.1")}, names[1:])
	if err != nil {
		return nil, err
	}
	parsed, err := certutil.ParseCertsPEM(certs)
	if err != nil {
		return nil, err
	}
	bundle, err := certutil.EncodeCertificates(parsed[len(parsed)-1])
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(certs, key)
	if err != nil {
		return nil, err
	}
	return &TestCA{CABundle: bundle, Cert: cert}, nil
}
