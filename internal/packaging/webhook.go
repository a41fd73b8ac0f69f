// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package packaging

import (
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	operatorsv1alpha1 "github.com/operator-framework/api/pkg/operators/v1alpha1"
)

// Under OLM the conversion webhook is declared in the CSV (webhookdefinitions): OLM makes its
// Service and serving certificate, mounts the certificate where controller-runtime's webhook
// server reads it, and points the CRD's conversion at it. So the bundle leaves out what the
// operator does for itself elsewhere: the webhook Service, the RBAC to keep its own
// certificate, the folder it writes the certificate to, and the CRD's own conversion stanza.
const (
	// webhookComponent labels the objects of the self-provisioned webhook, which OLM replaces.
	webhookComponent = "webhook"
	webhookCertsDir  = "/tmp/k8s-webhook-server/serving-certs"
	webhookPort      = 9443
	provisioningFlag = "--webhook-cert-provisioning="
	// operatorLabel marks the operator's own Deployment (not the catalog page's).
	operatorLabel = "control-plane"
)

// forOLM reports whether an object stays in the bundle: not when OLM provides it.
func forOLM(u *unstructured.Unstructured) bool {
	return u.GetLabels()["app.kubernetes.io/component"] != webhookComponent
}

// conversionWebhook is the CSV's declaration of the conversion webhook of crds.
func conversionWebhook(deployment string, crds []string) operatorsv1alpha1.WebhookDescription {
	return operatorsv1alpha1.WebhookDescription{
		GenerateName:            "cmcpservers.mcp.x-k8s.io",
		Type:                    operatorsv1alpha1.ConversionWebhook,
		DeploymentName:          deployment,
		ContainerPort:           443,
		TargetPort:              ptr.To(intstr.FromInt32(webhookPort)),
		WebhookPath:             ptr.To("/convert"),
		ConversionCRDs:          crds,
		SideEffects:             ptr.To(admissionregistrationv1.SideEffectClassNone),
		AdmissionReviewVersions: []string{"v1"},
	}
}

// useOLMCertificates makes the operator's container read the certificate OLM mounts instead of
// provisioning its own, and drops the folder it would write it to (OLM mounts its own volume
// at that path; two mounts at one path make the pod invalid).
func useOLMCertificates(d *appsv1.Deployment) {
	spec := &d.Spec.Template.Spec
	var dropped []string
	for i := range spec.Containers {
		c := &spec.Containers[i]
		for j, arg := range c.Args {
			if strings.HasPrefix(arg, provisioningFlag) {
				c.Args[j] = provisioningFlag + "external"
			}
		}
		c.VolumeMounts = slices.DeleteFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool {
			if m.MountPath == webhookCertsDir {
				dropped = append(dropped, m.Name)
				return true
			}
			return false
		})
	}
	spec.Volumes = slices.DeleteFunc(spec.Volumes, func(v corev1.Volume) bool { return slices.Contains(dropped, v.Name) })
}

// declareWebhooks puts the conversion webhook of every CRD into the CSV, served by the
// operator's Deployment, and leaves the CRDs' conversion to OLM.
func (in *inputs) declareWebhooks(csv *operatorsv1alpha1.ClusterServiceVersion) {
	var operator string
	for _, d := range in.deployments {
		if d.Spec.Template.Labels[operatorLabel] == "controller-manager" {
			operator = d.Name
		}
	}
	var converted []string
	for _, crd := range in.crds {
		if crd.Spec.Conversion != nil && crd.Spec.Conversion.Webhook != nil {
			converted = append(converted, crd.Name)
		}
		crd.Spec.Conversion = nil
	}
	if operator != "" && len(converted) > 0 {
		csv.Spec.WebhookDefinitions = []operatorsv1alpha1.WebhookDescription{conversionWebhook(operator, converted)}
	}
}
