// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package localcluster

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"
)

// auditPolicy records one user's requests, without bodies, and nobody else's.
func auditPolicy(user string) string {
	return fmt.Sprintf(`apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived, ResponseStarted]
rules:
  - level: Metadata
    users: [%q]
  - level: None
`, user)
}

// AuditLog reads the API server's audit log as it grows: the requests of the user named in
// Options.AuditUser.
type AuditLog struct {
	path string

	mu      sync.Mutex
	offset  int64
	entries []auditEntry
}

type auditEntry struct {
	at                  time.Time
	verb                string
	resource, namespace string
}

// AuditCounts are the requests of a time window.
type AuditCounts struct {
	Total, Writes, Events int
	// ByVerbResource counts by "verb resource[/subresource]".
	ByVerbResource map[string]int
	// WritesByResource counts the writes by resource[/subresource].
	WritesByResource map[string]int
}

// IsWrite tells the verbs that change something.
func IsWrite(verb string) bool {
	switch verb {
	case "create", "update", "patch", "delete", "deletecollection":
		return true
	}
	return false
}

// Count reads what the log gained and counts the requests received in [from, to]; in the given
// namespaces only, when there are any.
func (a *AuditLog) Count(from, to time.Time, namespaces ...string) (AuditCounts, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.readNew(); err != nil {
		return AuditCounts{}, err
	}
	c := AuditCounts{ByVerbResource: map[string]int{}, WritesByResource: map[string]int{}}
	for _, e := range a.entries {
		if e.at.Before(from) || e.at.After(to) || (len(namespaces) > 0 && !slices.Contains(namespaces, e.namespace)) {
			continue
		}
		c.Total++
		c.ByVerbResource[e.verb+" "+e.resource]++
		if IsWrite(e.verb) {
			c.Writes++
			c.WritesByResource[e.resource]++
			if e.resource == "events" {
				c.Events++
			}
		}
	}
	return c, nil
}

func (a *AuditLog) readNew() error {
	f, err := os.Open(a.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Seek(a.offset, io.SeekStart); err != nil {
		return err
	}
	reader := bufio.NewReaderSize(f, 1<<20)
	for {
		line, err := reader.ReadBytes('\n')
		if err == io.EOF {
			return nil // a partial last line is read next time
		}
		if err != nil {
			return err
		}
		a.offset += int64(len(line))
		var event struct {
			Verb      string    `json:"verb"`
			Received  time.Time `json:"requestReceivedTimestamp"`
			ObjectRef *struct {
				Resource    string `json:"resource"`
				Subresource string `json:"subresource"`
				Namespace   string `json:"namespace"`
			} `json:"objectRef"`
		}
		if err := json.Unmarshal(line, &event); err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
		resource, namespace := "(non-resource)", ""
		if r := event.ObjectRef; r != nil {
			resource, namespace = r.Resource, r.Namespace
			if r.Subresource != "" {
				resource += "/" + r.Subresource
			}
		}
		a.entries = append(a.entries, auditEntry{at: event.Received, verb: event.Verb, resource: resource, namespace: namespace})
	}
}
