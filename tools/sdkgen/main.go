// Command sdkgen generates the cometapi SDKs for Node.js, Python and Go from schema.json with
// Pulumi's own code generators (pkg/v3/codegen), without language plugins:
//
//	sdkgen <schema.json> <out dir>
//
// It writes <out>/nodejs, <out>/python and <out>/go, replacing what was there. The CLI's
// `pulumi package gen-sdk` would need pulumi-language-<lang> plugins this build does not have.
// .NET: pkg/v3 no longer carries the C# generator (it moved to pulumi-dotnet), so no .NET SDK.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noReferences is a loader for a schema that references no other package (a nil loader panics).
type noReferences struct{}

func (noReferences) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("schema references package %q; cometapi references none", pkg)
}

func (noReferences) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("schema references package %q; cometapi references none", d.Name)
}

func (noReferences) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("schema references package %q; cometapi references none", pkg)
}

func (noReferences) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, fmt.Errorf("schema references package %q; cometapi references none", d.Name)
}

const tool = "pulumi-cometapi-sdkgen"

// goMod is the Go SDK's module file; the Pulumi Go SDK version is the one the repo pins.
const goMod = `module github.com/pulumi-cometapi/pulumi-cometapi/plugin-sdks/go/cometapi

go 1.25

require github.com/pulumi/pulumi/sdk/v3 v3.276.0
`

func bind(path string) (*schema.Package, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noReferences{}, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s does not bind: %s", path, diags.Error())
	}
	return pkg, nil
}

func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "sdkgen: %s: %d files\n", dir, len(names))
	return nil
}

func run(schemaPath, out string) error {
	generators := []struct {
		lang string
		gen  func(*schema.Package) (map[string][]byte, error)
	}{
		{"nodejs", func(p *schema.Package) (map[string][]byte, error) {
			return nodejs.GeneratePackage(tool, p, nil, nil, false, noReferences{})
		}},
		{"python", func(p *schema.Package) (map[string][]byte, error) {
			return python.GeneratePackage(tool, p, nil, noReferences{})
		}},
		{"go", func(p *schema.Package) (map[string][]byte, error) {
			files, err := gogen.GeneratePackage(tool, p, nil)
			if err == nil {
				// The generator writes no go.mod: one makes the SDK a module users can require.
				files["cometapi/go.mod"] = []byte(goMod)
			}
			return files, err
		}},
	}
	for _, g := range generators {
		// Each generator decorates the package it is given: bind afresh per language.
		pkg, err := bind(schemaPath)
		if err != nil {
			return err
		}
		files, err := g.gen(pkg)
		if err != nil {
			return fmt.Errorf("%s: %w", g.lang, err)
		}
		if err := write(filepath.Join(out, g.lang), files); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen <schema.json> <out dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}
