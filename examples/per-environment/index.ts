/**
 * One CometAPI key per environment, made by a small component from stack config:
 *
 *   pulumi config set --path 'environments.dev.quota' 1000000
 *   pulumi config set --path 'environments.dev.expiresAt' 2027-01-31
 *   pulumi config set --path 'environments.prod.quota' 50000000
 *   pulumi config set --path 'environments.prod.models[0]' gpt-4o-mini
 *
 * Without config it makes `dev` (1,000,000 units) and `prod` (50,000,000 units), neither expiring.
 * Adding an environment creates a key, removing one deletes its key, editing one updates it in
 * place.
 */
import * as pulumi from "@pulumi/pulumi";
import { CometApiKey } from "pulumi-cometapi";

/** What one environment gets. */
export interface EnvironmentSettings {
  /** Quota units (500,000 = $1). */
  quota: number;
  /** ISO-8601 date or timestamp; omitted = never expires. */
  expiresAt?: string;
  /** Allowed models; omitted = any. */
  models?: string[];
}

export interface EnvironmentKeysArgs {
  /** Prefix of the key names in the CometAPI console, e.g. `shop` → `shop-dev`, `shop-prod`. */
  prefix: string;
  environments: Record<string, EnvironmentSettings>;
}

/** One `CometApiKey` per environment, named `<prefix>-<environment>`. */
export class EnvironmentKeys extends pulumi.ComponentResource {
  /** Per environment: the key's numeric id. */
  readonly keyIds: pulumi.Output<Record<string, number>>;
  /** Per environment: the masked key, safe to print. */
  readonly maskedKeys: pulumi.Output<Record<string, string>>;
  /** Per environment: the key value (`sk-…`), a Pulumi secret. */
  readonly keys: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: EnvironmentKeysArgs, opts?: pulumi.ComponentResourceOptions) {
    super("examples:cometapi:EnvironmentKeys", name, {}, opts);
    const byEnvironment = Object.entries(args.environments).map(([environment, settings]) => {
      const key = new CometApiKey(
        `${name}-${environment}`,
        {
          name: `${args.prefix}-${environment}`,
          quota: settings.quota,
          expiresAt: settings.expiresAt,
          models: settings.models,
        },
        { parent: this },
      );
      return [environment, key] as const;
    });
    const collect = <T>(pick: (key: CometApiKey) => pulumi.Output<T>) =>
      pulumi
        .all(byEnvironment.map(([environment, key]) => pick(key).apply((v) => [environment, v] as const)))
        .apply((pairs) => Object.fromEntries(pairs));
    this.keyIds = collect((k) => k.keyId);
    this.maskedKeys = collect((k) => k.maskedKey);
    this.keys = pulumi.secret(collect((k) => k.key));
    this.registerOutputs({ keyIds: this.keyIds, maskedKeys: this.maskedKeys, keys: this.keys });
  }
}

const config = new pulumi.Config();
const environments = config.getObject<Record<string, EnvironmentSettings>>("environments") ?? {
  dev: { quota: 1_000_000 },
  prod: { quota: 50_000_000 },
};

const keys = new EnvironmentKeys("app", {
  prefix: config.get("prefix") ?? pulumi.getProject(),
  environments,
});

export const keyIds = keys.keyIds;
export const maskedKeys = keys.maskedKeys;
/** `pulumi stack output keys --show-secrets` */
export const secretKeys = keys.keys;
