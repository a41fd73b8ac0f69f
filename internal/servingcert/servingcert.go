// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package servingcert gives the operator's webhook server (the MCPServer conversion webhook) a
// serving certificate with no prerequisite: no cert-manager, no service CA, no OLM. The
// operator keeps a CA and a serving certificate for its webhook Service in a Secret of its own
// namespace, renews either once two thirds of its validity are spent, writes the pair where the
// webhook server reads it (controller-runtime's server reloads it when the files change), and
// injects the CA bundle into the CRD's conversion webhook.
//
// Every replica runs it, because every replica serves the webhook: replicas that race to create
// or renew the Secret settle on whichever write the API server took first (a conflict means
// another replica wrote, and its certificate is read and used). While a renewed CA takes over,
// the CA it replaces stays in the bundle, so a replica still serving the older certificate is
// trusted too.
//
// Where the certificate comes from elsewhere (cert-manager, OpenShift's service CA), Options.CAFile
// names its CA bundle, which the operator injects the same way. Under OLM, which makes the
// certificate and points the CRD at it itself (the CSV's webhookdefinitions), the operator runs
// with --webhook-cert-provisioning=external and no CA file, and this package is not used.
package servingcert

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
)

// Lifetimes are how long certificates are made to last.
type Lifetimes struct {
	// CA is the CA's validity; the CA is renewed with a third of it left.
	CA time.Duration
	// Serving is the serving certificate's validity; it is renewed with a third of it left.
	Serving time.Duration
}

// DefaultLifetimes: a CA for ten years, serving certificates for one.
var DefaultLifetimes = Lifetimes{CA: 10 * 365 * 24 * time.Hour, Serving: 365 * 24 * time.Hour}

// Options say where the certificate lives and what it is for.
type Options struct {
	// Namespace is the operator's namespace, where the Secret and the webhook Service are.
	Namespace string
	// SecretName is the Secret holding the CA and the serving pair.
	SecretName string
	// ServiceName is the webhook Service the certificate is for.
	ServiceName string
	// CertDir is where the webhook server reads tls.crt and tls.key.
	CertDir string
	// CRDs are the CustomResourceDefinitions whose conversion webhook trusts the CA.
	CRDs []string
	// Lifetimes of the certificates; zero values take DefaultLifetimes.
	Lifetimes Lifetimes
	// CAFile, when set, holds the CA bundle of a certificate someone else provides in CertDir
	// (cert-manager's ca.crt, OpenShift's service CA): the operator then only injects it, and
	// neither makes a certificate nor keeps a Secret.
	CAFile string
}

// DNSNames are the names the API server may use for the webhook Service.
func (o Options) DNSNames() []string {
	svc := o.ServiceName
	return []string{svc + "." + o.Namespace + ".svc", svc + "." + o.Namespace + ".svc.cluster.local", svc + "." + o.Namespace, svc}
}

func (o Options) lifetimes() Lifetimes {
	l := o.Lifetimes
	if l.CA == 0 {
		l.CA = DefaultLifetimes.CA
	}
	if l.Serving == 0 {
		l.Serving = DefaultLifetimes.Serving
	}
	return l
}

// Ensure makes the certificate good for now: it creates or renews the Secret as needed, points
// the CRDs' conversion at the webhook Service with the CA bundle, and then writes the serving
// pair to CertDir (in that order, so the API server trusts a certificate before it is served).
// With CAFile set it only points the CRDs at the Service with that file's bundle.
func Ensure(ctx context.Context, c client.Client, o Options, now time.Time) error {
	if o.CAFile != "" {
		caBundle, err := os.ReadFile(o.CAFile)
		if err != nil {
			return fmt.Errorf("reading the webhook's CA bundle: %w", err)
		}
		if _, err := parseCerts(caBundle); err != nil {
			return fmt.Errorf("the webhook's CA bundle %s: %w", o.CAFile, err)
		}
		return injectAll(ctx, c, o, caBundle)
	}
	b, err := secretBundle(ctx, c, o, now)
	if err != nil {
		return err
	}
	if err := injectAll(ctx, c, o, b.caBundle()); err != nil {
		return err
	}
	return writeFiles(o.CertDir, b)
}

func injectAll(ctx context.Context, c client.Client, o Options, caBundle []byte) error {
	service := apiextensionsv1.ServiceReference{Namespace: o.Namespace, Name: o.ServiceName, Path: ptr.To("/convert"), Port: ptr.To[int32](443)}
	for _, crd := range o.CRDs {
		if err := pointAtWebhook(ctx, c, crd, service, caBundle); err != nil {
			return err
		}
	}
	return nil
}

// secretBundle reads the Secret and returns a good bundle, writing a renewed one when needed.
// It tries a few times: a conflict means another replica wrote in between.
func secretBundle(ctx context.Context, c client.Client, o Options, now time.Time) (*bundle, error) {
	key := types.NamespacedName{Namespace: o.Namespace, Name: o.SecretName}
	var lastErr error
	for range 5 {
		secret := &corev1.Secret{}
		err := c.Get(ctx, key, secret)
		found := err == nil
		if err != nil && !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("reading Secret %s: %w", key, err)
		}
		current, parseErr := parseBundle(secret.Data)
		if parseErr != nil {
			current = nil
		}
		next, changed, err := renewed(current, o.DNSNames(), o.lifetimes(), now)
		if err != nil {
			return nil, err
		}
		if !changed {
			return next, nil
		}
		if found && parseErr != nil {
			logf.FromContext(ctx).Info("the webhook certificate Secret does not hold a usable certificate; making a new one", "secret", key, "problem", parseErr.Error())
		}
		lastErr = writeSecret(ctx, c, key, secret, found, next)
		if lastErr == nil {
			logf.FromContext(ctx).Info("wrote a new webhook serving certificate", "secret", key, "notAfter", next.cert.NotAfter)
			return next, nil
		}
		if !apierrors.IsConflict(lastErr) && !apierrors.IsAlreadyExists(lastErr) {
			return nil, fmt.Errorf("writing Secret %s: %w", key, lastErr)
		}
	}
	return nil, fmt.Errorf("writing Secret %s: other writers kept winning: %w", key, lastErr)
}

func writeSecret(ctx context.Context, c client.Client, key types.NamespacedName, secret *corev1.Secret, found bool, b *bundle) error {
	data, err := b.data()
	if err != nil {
		return err
	}
	if !found {
		secret = &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name,
			Labels: map[string]string{"app.kubernetes.io/name": "mcp-operator", "app.kubernetes.io/component": "webhook"}}}
		secret.Type = corev1.SecretTypeOpaque
		secret.Data = data
		return c.Create(ctx, secret)
	}
	secret.Data = data
	return c.Update(ctx, secret) // carries the resourceVersion read: a concurrent write conflicts
}

// pointAtWebhook makes the CRD convert through the webhook Service, trusting caBundle. The
// Service is the operator's own, in whatever namespace it was installed (the CRD of the Helm
// chart, which Helm cannot template, names none). The patch carries the resourceVersion read
// (replicas may do this at once); a conflict reads the CRD again.
func pointAtWebhook(ctx context.Context, c client.Client, name string, service apiextensionsv1.ServiceReference, caBundle []byte) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := c.Get(ctx, client.ObjectKey{Name: name}, crd); err != nil {
			return fmt.Errorf("reading CRD %s: %w", name, err)
		}
		want := &apiextensionsv1.CustomResourceConversion{Strategy: apiextensionsv1.WebhookConverter,
			Webhook: &apiextensionsv1.WebhookConversion{ConversionReviewVersions: []string{"v1"},
				ClientConfig: &apiextensionsv1.WebhookClientConfig{Service: &service, CABundle: caBundle}}}
		if equality.Semantic.DeepEqual(crd.Spec.Conversion, want) {
			return nil
		}
		base := crd.DeepCopy()
		crd.Spec.Conversion = want
		if err := c.Patch(ctx, crd, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})); err != nil {
			return err
		}
		logf.FromContext(ctx).Info("pointed the CRD's conversion at the webhook", "crd", name, "service", service.Namespace+"/"+service.Name)
		return nil
	})
}

// writeFiles writes the serving pair where the webhook server reads it, each file replaced in
// one rename, and only when it changed.
func writeFiles(dir string, b *bundle) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	data, err := b.data()
	if err != nil {
		return err
	}
	for _, name := range []string{keyKey, keyCert} {
		path := filepath.Join(dir, name)
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data[name]) {
			continue
		}
		tmp := path + ".new"
		if err := os.WriteFile(tmp, data[name], 0o600); err != nil {
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
	}
	return nil
}

// Rotator keeps the certificate good while the operator runs: a manager Runnable that every
// replica runs (the webhook is served by all of them), checking every Interval.
type Rotator struct {
	Client   client.Client
	Options  Options
	Interval time.Duration
}

// Start checks the certificate every Interval until ctx ends. A failed check is logged and
// tried again at the next one: the certificate in use stays good for months.
func (r *Rotator) Start(ctx context.Context) error {
	log := logf.FromContext(ctx).WithName("servingcert")
	ticker := time.NewTicker(r.Interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
			if err := Ensure(ctx, r.Client, r.Options, time.Now()); err != nil {
				log.Error(err, "checking the webhook serving certificate")
			}
		}
	}
}

// NeedLeaderElection is false: every replica serves the webhook, so every replica keeps its
// certificate.
func (r *Rotator) NeedLeaderElection() bool { return false }
