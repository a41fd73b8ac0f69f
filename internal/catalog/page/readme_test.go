// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package page

import (
	"strings"
	"testing"
)

func TestReadmeCannotRunScript(t *testing.T) {
	s := &Server{}
	s.Handler()
	html := s.renderReadme("# Hi\n<script>window.__pwned=1</script>\n<img src=x onerror=\"window.__pwned=2\">\n[click](javascript:alert(1))\n\n**bold**")
	for _, bad := range []string{"<script", "onerror", "javascript:"} {
		if strings.Contains(html, bad) {
			t.Errorf("rendered README contains %q:\n%s", bad, html)
		}
	}
	if !strings.Contains(html, "<strong>bold</strong>") || !strings.Contains(html, "<h1") {
		t.Errorf("Markdown not rendered:\n%s", html)
	}
}
