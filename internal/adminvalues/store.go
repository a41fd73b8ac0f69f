// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package adminvalues holds the chart values cluster admins set for every MCPServer, read from
// a ConfigMap in the operator's namespace: defaults.yaml fills what an MCPServer leaves out,
// overrides.yaml wins over what it says. It owns the ConfigMap's format and the rule that a
// broken ConfigMap never replaces the last good values.
package adminvalues

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/internal/render"
)

// The keys of the admin values ConfigMap.
const (
	DefaultsKey  = "defaults.yaml"
	OverridesKey = "overrides.yaml"
)

// Store holds the chart values cluster admins set in a ConfigMap in the operator's
// namespace: defaults.yaml (fills what MCPServers leave out) and overrides.yaml (wins over what
// they say). A broken ConfigMap never takes servers down: the last good values stay in use
// until it is fixed.
type Store struct {
	key      types.NamespacedName
	api      client.Reader
	validate func(render.AdminValues) error

	mu      sync.RWMutex
	current render.AdminValues
	// version counts the changes of current, so that a render can name the values it used.
	version uint64
	// loaded: the values are known (the ConfigMap was read and valid, or it does not exist).
	// Until then MCPServers are not rendered, so that a restart with a broken ConfigMap cannot
	// roll servers back to chart defaults.
	loaded bool
}

// New returns a Store that reads the ConfigMap key through api; validate checks that values
// render. Nothing is loaded until Load.
func New(key types.NamespacedName, api client.Reader, validate func(render.AdminValues) error) *Store {
	return &Store{key: key, api: api, validate: validate}
}

// Snapshot returns the values in use, their version (it grows with every change), and whether
// any are known yet.
func (a *Store) Snapshot() (render.AdminValues, uint64, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.current, a.version, a.loaded
}

// Key is the ConfigMap the values come from.
func (a *Store) Key() types.NamespacedName { return a.key }

// Load reads and checks the ConfigMap. On success the new values are in use and changed says
// whether they differ from the previous ones; on error the previous values stay in use.
func (a *Store) Load(ctx context.Context) (changed bool, err error) {
	values, err := a.read(ctx)
	if err == nil {
		err = a.validate(values)
	}
	if err != nil {
		return false, fmt.Errorf("admin values ConfigMap %s: %w", a.key, err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	changed = !a.loaded || !reflect.DeepEqual(a.current, values)
	if changed {
		a.version++
	}
	a.current, a.loaded = values, true
	return changed, nil
}

func (a *Store) read(ctx context.Context) (render.AdminValues, error) {
	cm := &corev1.ConfigMap{}
	if err := a.api.Get(ctx, a.key, cm); apierrors.IsNotFound(err) {
		return render.AdminValues{}, nil
	} else if err != nil {
		return render.AdminValues{}, err
	}
	var unknown []string
	for k := range cm.Data {
		if k != DefaultsKey && k != OverridesKey {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return render.AdminValues{}, fmt.Errorf("unknown keys %s (the keys are %s and %s)",
			strings.Join(unknown, ", "), DefaultsKey, OverridesKey)
	}
	defaults, err := parseValues(cm.Data[DefaultsKey])
	if err != nil {
		return render.AdminValues{}, fmt.Errorf("%s: %w", DefaultsKey, err)
	}
	overrides, err := parseValues(cm.Data[OverridesKey])
	if err != nil {
		return render.AdminValues{}, fmt.Errorf("%s: %w", OverridesKey, err)
	}
	return render.AdminValues{Defaults: defaults, Overrides: overrides}, nil
}

// parseValues parses one YAML document of chart values; empty means none.
func parseValues(doc string) (map[string]any, error) {
	values := map[string]any{}
	if strings.TrimSpace(doc) == "" {
		return nil, nil
	}
	if err := yaml.Unmarshal([]byte(doc), &values); err != nil {
		return nil, fmt.Errorf("not a YAML map of chart values: %w", err)
	}
	return values, nil
}
