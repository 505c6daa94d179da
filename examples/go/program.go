package main

import (
	"github.com/pulumi-cometapi/pulumi-cometapi/plugin-sdks/go/cometapi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// program declares two keys (one on the default provider, configured by the stack's
// cometapi:* config) and looks up keys made outside Pulumi.
func program(ctx *pulumi.Context) error {
	quota := config.GetInt(ctx, "backendQuota")
	if quota == 0 {
		quota = 1000
	}
	backend, err := cometapi.NewApiKey(ctx, "backend", &cometapi.ApiKeyArgs{
		Quota:  pulumi.IntPtr(quota),
		Models: pulumi.StringArray{pulumi.String("gpt-4o-mini")},
	})
	if err != nil {
		return err
	}
	named, err := cometapi.NewApiKey(ctx, "named", &cometapi.ApiKeyArgs{
		Name:           pulumi.StringPtr("go-named"),
		UnlimitedQuota: pulumi.BoolPtr(true),
		AllowIps:       pulumi.StringArray{pulumi.String("10.0.0.0/8")},
	})
	if err != nil {
		return err
	}
	legacy, err := cometapi.GetApiKeys(ctx, &cometapi.GetApiKeysArgs{NamePrefix: pulumi.StringRef("legacy-")})
	if err != nil {
		return err
	}
	legacyIds := make([]int, 0, len(legacy.Keys))
	for _, k := range legacy.Keys {
		legacyIds = append(legacyIds, k.KeyId)
	}
	ctx.Export("backendKey", backend.Key) // a secret
	ctx.Export("backendName", backend.Name)
	ctx.Export("backendKeyId", backend.KeyId)
	ctx.Export("remaining", backend.RemainingQuota)
	ctx.Export("namedMasked", named.MaskedKey)
	ctx.Export("legacyIds", pulumi.ToIntArray(legacyIds))
	return nil
}
