// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Command vendor-patternfly copies the part of PatternFly the catalog page uses out of the
// pinned npm tarball (fetched and checked by hack/web-assets.sh) into
// internal/catalog/page/web/vendor/patternfly: one stylesheet made of PatternFly's own base and
// component files, unchanged and in PatternFly's order, the fonts and images it refers to,
// and the licence. The page is served from the binary, so what it uses is committed; the test
// beside this file fails when the committed files differ from what this command writes.
//
//	go run ./hack/vendor-patternfly -tgz "$(hack/web-assets.sh print-env | ...)"
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Version is the PatternFly release the page is built on; hack/web-assets.sh pins its integrity.
const Version = "6.6.1"

// stylesheets are the files of the package the page's stylesheet is made of: the base (tokens,
// reset, fonts, icons), then every component and layout the page's markup uses.
var stylesheets = []string{
	"patternfly-base.css",
	"components/Alert/alert.css",
	"components/Backdrop/backdrop.css",
	"components/Breadcrumb/breadcrumb.css",
	"components/Button/button.css",
	"components/Card/card.css",
	"components/Check/check.css",
	"components/ClipboardCopy/clipboard-copy.css",
	"components/Content/content.css",
	"components/DescriptionList/description-list.css",
	"components/Divider/divider.css",
	"components/EmptyState/empty-state.css",
	"components/Form/form.css",
	"components/FormControl/form-control.css",
	"components/HelperText/helper-text.css",
	"components/Icon/icon.css",
	"components/InputGroup/input-group.css",
	"components/Label/label.css",
	"components/Label/label-group.css",
	"components/List/list.css",
	"components/Masthead/masthead.css",
	"components/Menu/menu.css",
	"components/MenuToggle/menu-toggle.css",
	"components/ModalBox/modal-box.css",
	"components/Page/page.css",
	"components/Sidebar/sidebar.css",
	"components/SkipToContent/skip-to-content.css",
	"components/Spinner/spinner.css",
	"components/Table/table.css",
	"components/Tabs/tabs.css",
	"components/TextInputGroup/text-input-group.css",
	"components/Title/title.css",
	"components/Toolbar/toolbar.css",
	"layouts/Bullseye/bullseye.css",
	"layouts/Flex/flex.css",
	"layouts/Gallery/gallery.css",
	"layouts/Stack/stack.css",
}

// licence is shipped beside the files: the package declares "MIT" in package.json and carries
// no licence file of its own, so this names the terms of each part.
const licence = `PatternFly ` + Version + ` (npm package @patternfly/patternfly), vendored by hack/vendor-patternfly.

The package declares the MIT licence (package.json "license": "MIT"):

  Copyright (c) Red Hat, Inc. and the PatternFly contributors

  Permission is hereby granted, free of charge, to any person obtaining a copy of this software
  and associated documentation files (the "Software"), to deal in the Software without
  restriction, including without limitation the rights to use, copy, modify, merge, publish,
  distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
  Software is furnished to do so, subject to the following conditions:

  The above copyright notice and this permission notice shall be included in all copies or
  substantial portions of the Software.

  THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
  BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
  NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
  DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
  OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

Parts it bundles under their own terms:
  assets/fonts/RedHat*        Red Hat Display, Text and Mono: SIL Open Font License 1.1
  assets/fonts/webfonts       Font Awesome Free (solid): font SIL OFL 1.1, icons CC BY 4.0
  assets/pficon               PatternFly icons: MIT
`

// cssURL finds the url(...) references of a stylesheet.
var cssURL = regexp.MustCompile(`url\(["']?([^"')]+)["']?\)`)

func main() {
	tgz := flag.String("tgz", "", "the @patternfly/patternfly tarball (hack/web-assets.sh fetches it)")
	out := flag.String("out", "internal/catalog/page/web/vendor/patternfly", "where to write the vendored files")
	flag.Parse()
	files, err := Vendor(*tgz)
	if err == nil {
		err = write(*out, files)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "vendor-patternfly:", err)
		os.Exit(1)
	}
}

// Vendor reads the tarball and returns the vendored files by path.
func Vendor(tgz string) (map[string][]byte, error) {
	pkg, err := readTarball(tgz)
	if err != nil {
		return nil, err
	}
	var css bytes.Buffer
	fmt.Fprintf(&css, "/* PatternFly %s (@patternfly/patternfly, MIT, see LICENSE): %d of its stylesheets, unchanged, written by hack/vendor-patternfly. */\n", Version, len(stylesheets))
	for _, name := range stylesheets {
		data, ok := pkg[name]
		if !ok {
			return nil, fmt.Errorf("%s has no %s", tgz, name)
		}
		fmt.Fprintf(&css, "\n/* ---- %s ---- */\n", name)
		css.Write(data)
	}
	files := map[string][]byte{"patternfly.css": css.Bytes(), "LICENSE": []byte(licence)}
	for _, m := range cssURL.FindAllSubmatch(css.Bytes(), -1) {
		ref := string(m[1])
		if strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "#") {
			continue
		}
		asset := path.Clean(ref)
		data, ok := pkg[asset]
		if !ok {
			return nil, fmt.Errorf("the stylesheet refers to %s, which %s does not have", ref, tgz)
		}
		files[asset] = data
	}
	return files, nil
}

// readTarball returns the regular files of an npm tarball, by path below package/.
func readTarball(tgz string) (map[string][]byte, error) {
	f, err := os.Open(tgz)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		files[strings.TrimPrefix(h.Name, "package/")] = data
	}
}

// write replaces the folder out with files.
func write(out string, files map[string][]byte) error {
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		target := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
