// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/mcp-operator/mcp-operator/internal/adminvalues"
)

// adminValuesReconciler reloads the admin values when their ConfigMap changes, and has every
// MCPServer re-rendered when they changed. A broken ConfigMap keeps the last good values in use
// and is reported loudly: a Warning event on the ConfigMap, an error log, and the
// mcp_operator_admin_values_valid metric at 0. Fixing the ConfigMap is enough to recover.
type adminValuesReconciler struct {
	admin   *adminvalues.Store
	events  events.EventRecorder
	changed chan<- event.GenericEvent
}

func (r *adminValuesReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	changed, err := r.admin.Load(ctx)
	if err != nil {
		adminValuesValid.Set(0)
		adminValuesErrors.Inc()
		log.FromContext(ctx).Error(err, "admin values are invalid; the last good values stay in use")
		cm := &metav1.PartialObjectMetadata{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: metav1.ObjectMeta{Name: req.Name, Namespace: req.Namespace}}
		r.events.Eventf(cm, nil, corev1.EventTypeWarning, "InvalidAdminValues", "Load",
			"%v; MCP servers keep running with the last good values until this is fixed", err)
		return ctrl.Result{}, nil
	}
	adminValuesValid.Set(1)
	if changed {
		log.FromContext(ctx).Info("admin values changed; re-rendering every MCPServer")
		select {
		case r.changed <- event.GenericEvent{Object: &metav1.PartialObjectMetadata{}}:
		default: // a re-render of everything is already pending
		}
	}
	return ctrl.Result{}, nil
}
