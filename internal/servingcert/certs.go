// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package servingcert

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"
)

// Keys of the certificate Secret: the serving pair as kubernetes.io/tls names it, and the CA.
const (
	keyCert   = "tls.crt"
	keyKey    = "tls.key"
	keyCA     = "ca.crt"
	keyCAKey  = "ca.key"
	caSubject = "mcp-operator-webhook-ca"
)

// bundle is the content of the certificate Secret.
type bundle struct {
	// trusted is every CA certificate clients should trust, newest first: while a renewed CA
	// takes over, the one it replaces stays trusted until it expires.
	trusted []*x509.Certificate
	// ca signs serving certificates; caKey is its key.
	ca    *x509.Certificate
	caKey *ecdsa.PrivateKey
	// cert and key serve the webhook.
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// parseBundle reads the Secret's data; anything missing or unreadable is an error, and the
// caller makes a new bundle.
func parseBundle(data map[string][]byte) (*bundle, error) {
	b := &bundle{}
	var err error
	if b.trusted, err = parseCerts(data[keyCA]); err != nil {
		return nil, fmt.Errorf("%s: %w", keyCA, err)
	}
	if b.caKey, err = parseKey(data[keyCAKey]); err != nil {
		return nil, fmt.Errorf("%s: %w", keyCAKey, err)
	}
	b.ca = b.trusted[0]
	certs, err := parseCerts(data[keyCert])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyCert, err)
	}
	b.cert = certs[0]
	if b.key, err = parseKey(data[keyKey]); err != nil {
		return nil, fmt.Errorf("%s: %w", keyKey, err)
	}
	return b, nil
}

// data is the Secret's content for b.
func (b *bundle) data() (map[string][]byte, error) {
	caKey, err := pemKey(b.caKey)
	if err != nil {
		return nil, err
	}
	key, err := pemKey(b.key)
	if err != nil {
		return nil, err
	}
	return map[string][]byte{keyCA: b.caBundle(), keyCAKey: caKey, keyCert: pemCert(b.cert), keyKey: key}, nil
}

// caBundle is what the API server trusts for the webhook: every trusted CA, newest first.
func (b *bundle) caBundle() []byte {
	var trusted bytes.Buffer
	for _, c := range b.trusted {
		trusted.Write(pemCert(c))
	}
	return trusted.Bytes()
}

// renewed returns the bundle to use from now on: b itself while it is good, otherwise one with
// whatever had to be renewed. A certificate is renewed once two thirds of its validity are
// spent, so there is always time for every replica and the API server to pick the new one up.
func renewed(b *bundle, dnsNames []string, lifetimes Lifetimes, now time.Time) (*bundle, bool, error) {
	if b != nil && !spent(b.ca, lifetimes.CA, now) && b.caKey.PublicKey.Equal(b.ca.PublicKey) &&
		!spent(b.cert, lifetimes.Serving, now) && b.key.PublicKey.Equal(b.cert.PublicKey) &&
		b.cert.CheckSignatureFrom(b.ca) == nil && slices.Equal(b.cert.DNSNames, dnsNames) {
		return b, false, nil
	}
	next := &bundle{}
	if b != nil && !spent(b.ca, lifetimes.CA, now) && b.caKey.PublicKey.Equal(b.ca.PublicKey) {
		next.ca, next.caKey, next.trusted = b.ca, b.caKey, b.trusted
	} else {
		ca, caKey, err := newCA(lifetimes.CA, now)
		if err != nil {
			return nil, false, err
		}
		next.ca, next.caKey, next.trusted = ca, caKey, []*x509.Certificate{ca}
		if b != nil {
			next.trusted = append(next.trusted, b.trusted...)
		}
	}
	next.trusted = unexpired(next.trusted, now)
	cert, key, err := newServingCert(next.ca, next.caKey, dnsNames, lifetimes.Serving, now)
	if err != nil {
		return nil, false, err
	}
	next.cert, next.key = cert, key
	return next, true, nil
}

// spent: less than a third of the certificate's intended lifetime is left (or it is not valid
// yet, which a clock moved back can cause).
func spent(c *x509.Certificate, lifetime time.Duration, now time.Time) bool {
	return now.Before(c.NotBefore) || c.NotAfter.Sub(now) < lifetime/3
}

func unexpired(certs []*x509.Certificate, now time.Time) []*x509.Certificate {
	var out []*x509.Certificate
	for _, c := range certs {
		if now.Before(c.NotAfter) {
			out = append(out, c)
		}
	}
	return out
}

func newCA(lifetime time.Duration, now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	template := &x509.Certificate{
		Subject:               pkix.Name{CommonName: caSubject},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(lifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	return sign(template, nil, nil)
}

func newServingCert(ca *x509.Certificate, caKey *ecdsa.PrivateKey, dnsNames []string, lifetime time.Duration, now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	notAfter := now.Add(lifetime)
	if notAfter.After(ca.NotAfter) {
		notAfter = ca.NotAfter
	}
	template := &x509.Certificate{
		Subject:     pkix.Name{CommonName: dnsNames[0]},
		DNSNames:    dnsNames,
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	return sign(template, ca, caKey)
}

// sign makes a P-256 key and a certificate for it, signed by parent (self-signed without one).
func sign(template, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	template.SerialNumber = serial
	if parent == nil {
		parent, parentKey = template, key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, &key.PublicKey, parentKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func parseCerts(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("no certificate")
	}
	return certs, nil
}

func parseKey(data []byte) (*ecdsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no key")
	}
	return x509.ParseECPrivateKey(block.Bytes)
}

func pemCert(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func pemKey(k *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}
