// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package sources

import (
	"context"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// WatchConfigMaps keeps the store in step with the catalog ConfigMaps: those in namespace that
// match the label selector, every key one source document. It uses the catalog's own service
// account, which may only read ConfigMaps there.
func WatchConfigMaps(ctx context.Context, clientset kubernetes.Interface, namespace, selector string, store *Store) error {
	factory := informers.NewSharedInformerFactoryWithOptions(clientset, 0, informers.WithNamespace(namespace),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = selector }))
	informer := factory.Core().V1().ConfigMaps().Informer()
	var mu sync.Mutex
	keys := map[string][]string{} // ConfigMap -> the sources it provided
	sync := func(obj any, deleted bool) {
		cm, ok := obj.(*corev1.ConfigMap)
		if !ok {
			if tomb, isTomb := obj.(cache.DeletedFinalStateUnknown); isTomb {
				cm, ok = tomb.Obj.(*corev1.ConfigMap)
			}
			if !ok {
				return
			}
		}
		id := cm.Namespace + "/" + cm.Name
		mu.Lock()
		defer mu.Unlock()
		for _, source := range keys[id] {
			store.RemoveSource(source)
		}
		delete(keys, id)
		if deleted {
			return
		}
		for key, data := range cm.Data {
			source := fmt.Sprintf("configmap/%s/%s", id, key)
			store.SetSource(source, []byte(data))
			keys[id] = append(keys[id], source)
		}
	}
	if _, err := informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { sync(obj, false) },
		UpdateFunc: func(_, obj any) { sync(obj, false) },
		DeleteFunc: func(obj any) { sync(obj, true) },
	}); err != nil {
		return err
	}
	factory.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), informer.HasSynced) {
		return fmt.Errorf("catalog ConfigMaps in %s did not sync", namespace)
	}
	return nil
}
