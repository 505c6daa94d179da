// Command cometapi-go-example runs the program in program.go with the Automation API (an inline
// program: no pulumi-language-go needed), on the stack named by PULUMI_STACK (default "dev")
// with the backend of PULUMI_BACKEND_URL:
//
//	go run . preview|up|refresh|destroy
//
// The cometapi plugin (`pulumi-resource-cometapi`) must be on PATH or installed with
// `pulumi plugin install resource cometapi <version> -f <dir>`. Stack config comes from the
// environment: COMETAPI_ACCESS_TOKEN (stored as the secret cometapi:accessToken),
// COMETAPI_BASE_URL, COMETAPI_USER_ID, and BACKEND_QUOTA.
// The result is printed as one JSON line on stdout (secrets stay masked as "[secret]").
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: cometapi-go-example preview|up|refresh|destroy")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, action string) error {
	name := os.Getenv("PULUMI_STACK")
	if name == "" {
		name = "dev"
	}
	stack, err := auto.UpsertStackInlineSource(ctx, name, "cometapi-go", program)
	if err != nil {
		return err
	}
	settings := map[string]auto.ConfigValue{
		"cometapi:accessToken": {Value: os.Getenv("COMETAPI_ACCESS_TOKEN"), Secret: true},
		"cometapi:baseUrl":     {Value: os.Getenv("COMETAPI_BASE_URL")},
		"cometapi:userId":      {Value: os.Getenv("COMETAPI_USER_ID")},
		"backendQuota":         {Value: os.Getenv("BACKEND_QUOTA")},
	}
	for key, value := range settings {
		if value.Value == "" {
			continue
		}
		if err := stack.SetConfig(ctx, key, value); err != nil {
			return err
		}
	}
	var result any
	switch action {
	case "preview":
		r, err := stack.Preview(ctx, optpreview.Diff())
		if err != nil {
			return err
		}
		result = r.ChangeSummary
	case "up":
		r, err := stack.Up(ctx)
		if err != nil {
			return err
		}
		outputs := map[string]any{}
		for k, v := range r.Outputs {
			if v.Secret {
				outputs[k] = "[secret]"
			} else {
				outputs[k] = v.Value
			}
		}
		result = map[string]any{"outputs": outputs, "changes": r.Summary.ResourceChanges}
	case "refresh":
		r, err := stack.Refresh(ctx)
		if err != nil {
			return err
		}
		result = r.Summary.ResourceChanges
	case "destroy":
		r, err := stack.Destroy(ctx)
		if err != nil {
			return err
		}
		result = r.Summary.ResourceChanges
	default:
		return fmt.Errorf("unknown action %q; expected preview, up, refresh or destroy", action)
	}
	text, err := json.Marshal(result)
	if err != nil {
		return err
	}
	fmt.Println(string(text))
	return nil
}
