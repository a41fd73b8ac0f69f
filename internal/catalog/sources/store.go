// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package sources keeps the catalog's entries in step with their sources: the catalog shipped
// in the binary, files, and labelled ConfigMaps. A malformed entry is reported and left out.
package sources

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"sync"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/catalog"

	"sigs.k8s.io/controller-runtime/pkg/log"
)

// builtin holds the default catalog shipped with the project.
//
//go:embed defaults
var builtin embed.FS

// Store holds the catalog's entries, by source, and what was wrong with the sources. Sources
// are replaced whole when they change; a malformed entry is reported and left out.
type Store struct {
	mu       sync.RWMutex
	entries  map[string][]catalog.Entry
	problems map[string][]string
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{entries: map[string][]catalog.Entry{}, problems: map[string][]string{}}
}

// SetSource (re)reads one source document.
func (s *Store) SetSource(name string, data []byte) {
	entries, errs := catalog.Parse(name, data)
	problems := make([]string, len(errs))
	for i, err := range errs {
		problems[i] = err.Error()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries[name], s.problems[name] = entries, problems
}

// RemoveSource forgets a source that went away.
func (s *Store) RemoveSource(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries, name)
	delete(s.problems, name)
}

// Entries lists every entry, sorted by name then source.
func (s *Store) Entries() []catalog.Entry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []catalog.Entry
	for _, entries := range s.entries {
		all = append(all, entries...)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Name != all[j].Name {
			return all[i].Name < all[j].Name
		}
		return all[i].Source < all[j].Source
	})
	return all
}

// Entry finds an entry by ID.
func (s *Store) Entry(id string) (catalog.Entry, bool) {
	for _, e := range s.Entries() {
		if e.ID == id {
			return e, true
		}
	}
	return catalog.Entry{}, false
}

// Problems lists what was wrong with the sources, sorted.
func (s *Store) Problems() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	all := []string{} // never null in the page's JSON
	for _, p := range s.problems {
		all = append(all, p...)
	}
	sort.Strings(all)
	return all
}

// LoadBuiltin reads the default catalog shipped with the project.
func (s *Store) LoadBuiltin() error {
	return fs.WalkDir(builtin, "defaults", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := builtin.ReadFile(p)
		if err != nil {
			return err
		}
		s.SetSource("builtin/"+path.Base(p), data)
		return nil
	})
}

// WatchFiles reads catalog files now and again whenever they change, until ctx ends. A file
// that disappears is forgotten; one that cannot be read is reported.
func (s *Store) WatchFiles(ctx context.Context, files []string, every time.Duration) {
	seen := map[string]time.Time{}
	load := func() {
		for _, f := range files {
			name := "file:" + f
			info, err := os.Stat(f)
			if err != nil {
				if _, had := seen[f]; had {
					delete(seen, f)
					s.RemoveSource(name)
				}
				s.setProblem(name, fmt.Sprintf("%s: %v", name, err))
				continue
			}
			if seen[f].Equal(info.ModTime()) {
				continue
			}
			data, err := os.ReadFile(f)
			if err != nil {
				s.setProblem(name, fmt.Sprintf("%s: %v", name, err))
				continue
			}
			seen[f] = info.ModTime()
			s.SetSource(name, data)
			log.FromContext(ctx).Info("catalog file loaded", "file", f)
		}
	}
	load()
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			load()
		}
	}
}

func (s *Store) setProblem(source, problem string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.problems[source] = []string{problem}
}
