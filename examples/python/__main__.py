"""CometAPI keys from Python with the generated SDK (plugin-sdks/python) and the native plugin."""
import pulumi
import pulumi_cometapi as cometapi

config = pulumi.Config()

backend = cometapi.ApiKey(
    "backend",
    quota=config.get_int("backendQuota") or 1000,
    models=["gpt-4o-mini"],
)

# A second account: an explicit provider instance with its own secret token.
second_account = cometapi.Provider(
    "secondAccount",
    access_token=config.require_secret("secondToken"),
    user_id=config.get("secondUserId"),
)
other = cometapi.ApiKey(
    "other",
    name="second-account-key",
    unlimited_quota=True,
    opts=pulumi.ResourceOptions(provider=second_account),
)

legacy = cometapi.get_api_keys(name_prefix="legacy-")

pulumi.export("backendKey", backend.key)  # a secret
pulumi.export("backendMasked", backend.masked_key)
pulumi.export("otherKeyId", other.key_id)
pulumi.export("legacyIds", [k.key_id for k in legacy.keys])
