// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package packaging

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"reflect"
	"regexp"
	"sort"
	"strings"

	operatorsv1alpha1 "github.com/operator-framework/api/pkg/operators/v1alpha1"
)

// markerPrefix introduces operator-sdk's CSV markers, which the API types carry.
const markerPrefix = "+operator-sdk:csv:customresourcedefinitions:"

// apiTypes are the struct types of one Go API package, by name, with their documentation.
type apiTypes struct {
	structs map[string]*ast.StructType
	docs    map[string]*ast.CommentGroup
}

func loadAPITypes(dir string) (*apiTypes, error) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	t := &apiTypes{structs: map[string]*ast.StructType{}, docs: map[string]*ast.CommentGroup{}}
	for _, pkg := range pkgs {
		for _, file := range pkg.Files {
			for _, decl := range file.Decls {
				gen, ok := decl.(*ast.GenDecl)
				if !ok || gen.Tok != token.TYPE {
					continue
				}
				for _, spec := range gen.Specs {
					ts := spec.(*ast.TypeSpec)
					if st, ok := ts.Type.(*ast.StructType); ok {
						t.structs[ts.Name.Name] = st
						doc := ts.Doc
						if doc == nil {
							doc = gen.Doc
						}
						t.docs[ts.Name.Name] = doc
					}
				}
			}
		}
	}
	return t, nil
}

// CRDDescription builds the owned-CRD entry of the CSV for kind from the markers in the API
// package in dir: display name and resources from the kind's type, spec and status descriptors
// from its fields, with paths as the console and scorecard expect them (config.port,
// config.storage[0].path).
func CRDDescription(dir, kind, name, version string) (operatorsv1alpha1.CRDDescription, error) {
	types, err := loadAPITypes(dir)
	if err != nil {
		return operatorsv1alpha1.CRDDescription{}, err
	}
	root, ok := types.structs[kind]
	if !ok {
		return operatorsv1alpha1.CRDDescription{}, fmt.Errorf("no type %s in %s", kind, dir)
	}
	desc := operatorsv1alpha1.CRDDescription{Name: name, Version: version, Kind: kind, Description: firstSentence(types.docs[kind])}
	for _, m := range markers(types.docs[kind]) {
		if v, ok := m["displayName"]; ok {
			desc.DisplayName = unquote(v)
		}
		if v, ok := m["resources"]; ok {
			if desc.Resources, err = parseResources(v); err != nil {
				return desc, fmt.Errorf("%s resources marker: %w", kind, err)
			}
		}
	}
	for _, field := range root.Fields.List {
		jsonName := jsonName(field)
		typeName := namedType(field.Type)
		switch jsonName {
		case "spec":
			desc.SpecDescriptors = descriptors(types, typeName, "", "spec")
		case "status":
			for _, d := range descriptors(types, typeName, "", "status") {
				desc.StatusDescriptors = append(desc.StatusDescriptors, operatorsv1alpha1.StatusDescriptor(d))
			}
		}
	}
	return desc, nil
}

// descriptors walks the fields of struct typeName and returns a descriptor for every field
// with a marker of the wanted type, descending into the package's own struct types.
func descriptors(types *apiTypes, typeName, prefix, want string) []operatorsv1alpha1.SpecDescriptor {
	st, ok := types.structs[typeName]
	if !ok {
		return nil
	}
	var out []operatorsv1alpha1.SpecDescriptor
	for _, field := range st.Fields.List {
		name := jsonName(field)
		if name == "" || name == "-" {
			continue
		}
		path := prefix + name
		for _, m := range markers(field.Doc) {
			if m["type"] != want {
				continue
			}
			d := operatorsv1alpha1.SpecDescriptor{
				Path: path, DisplayName: unquote(m["displayName"]), Description: firstSentence(field.Doc),
			}
			if x, ok := m["xDescriptors"]; ok {
				d.XDescriptors = parseList(x)
			}
			out = append(out, d)
		}
		child := path + "."
		if _, isSlice := field.Type.(*ast.ArrayType); isSlice {
			child = path + "[0]."
		}
		out = append(out, descriptors(types, namedType(field.Type), child, want)...)
	}
	return out
}

// markers parses the CSV markers of a comment: one map of argument -> raw value per marker.
func markers(doc *ast.CommentGroup) []map[string]string {
	if doc == nil {
		return nil
	}
	var out []map[string]string
	for _, c := range doc.List {
		text := strings.TrimSpace(strings.TrimPrefix(c.Text, "//"))
		if !strings.HasPrefix(text, markerPrefix) {
			continue
		}
		out = append(out, splitArgs(strings.TrimPrefix(text, markerPrefix)))
	}
	return out
}

// splitArgs splits "a=1,b="x,y",c={{p,q},{r}}" at the commas outside quotes and braces.
func splitArgs(s string) map[string]string {
	args := map[string]string{}
	depth, quoted, start := 0, false, 0
	flush := func(end int) {
		if k, v, ok := strings.Cut(s[start:end], "="); ok {
			args[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		start = end + 1
	}
	for i, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '{':
			depth++
		case r == '}':
			depth--
		case r == ',' && depth == 0:
			flush(i)
		}
	}
	flush(len(s))
	return args
}

var quotedItem = regexp.MustCompile(`"([^"]*)"`)

// parseList reads {"a","b"}.
func parseList(v string) []string {
	var out []string
	for _, m := range quotedItem.FindAllStringSubmatch(v, -1) {
		out = append(out, m[1])
	}
	return out
}

var resourceItem = regexp.MustCompile(`\{([A-Za-z]+),([a-z0-9]+)(?:,([^{}]*))?\}`)

// parseResources reads {{Deployment,v1},{Service,v1,name}}.
func parseResources(v string) ([]operatorsv1alpha1.APIResourceReference, error) {
	var out []operatorsv1alpha1.APIResourceReference
	for _, m := range resourceItem.FindAllStringSubmatch(v, -1) {
		out = append(out, operatorsv1alpha1.APIResourceReference{Kind: m[1], Version: m[2], Name: unquote(m[3])})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no resources in %q", v)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out, nil
}

func unquote(v string) string { return strings.Trim(v, `"`) }

// jsonName is a field's name in JSON, from its tag.
func jsonName(field *ast.Field) string {
	if field.Tag == nil {
		return ""
	}
	tag := reflect.StructTag(strings.Trim(field.Tag.Value, "`")).Get("json")
	name, _, _ := strings.Cut(tag, ",")
	return name
}

// namedType is the name of a field's type, through pointers and slices; "" for other packages'.
func namedType(expr ast.Expr) string {
	switch t := expr.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.StarExpr:
		return namedType(t.X)
	case *ast.ArrayType:
		return namedType(t.Elt)
	default:
		return ""
	}
}

// firstSentence is the first sentence of a doc comment, markers left out.
func firstSentence(doc *ast.CommentGroup) string {
	if doc == nil {
		return ""
	}
	var lines []string
	for _, c := range doc.List {
		text := strings.TrimSpace(strings.TrimPrefix(c.Text, "//"))
		if strings.HasPrefix(text, "+") {
			continue
		}
		if text == "" && len(lines) > 0 {
			break
		}
		lines = append(lines, text)
	}
	text := strings.Join(lines, " ")
	if i := strings.Index(text, ". "); i >= 0 {
		text = text[:i+1]
	}
	return strings.TrimSpace(text)
}
