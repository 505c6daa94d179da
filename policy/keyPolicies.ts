/**
 * Guardrails for CometAPI keys as CrossGuard policies (`@pulumi/policy`): each judges the inputs
 * of every `CometApiKey` and native `cometapi:index:ApiKey` before anything is created, has its
 * own enforcement level and configuration (`pulumi preview --policy-pack DIR
 * --policy-pack-config FILE`), and names the property and the fix in its message.
 *
 * @example
 * // index.ts of a policy pack (a folder with PulumiPolicy.yaml; see examples/policy)
 * import { PolicyPack } from "@pulumi/policy";
 * import { cometApiKeyPolicies } from "pulumi-cometapi/policy";
 *
 * new PolicyPack("cometapi-keys", { policies: cometApiKeyPolicies() });
 */
import type {
  EnforcementLevel,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { parseDuration } from "../provider/shared/duration.js";
import { parseExpiry, toIso } from "../provider/shared/timestamp.js";
import { isCometApiKeyType, type KeyProps } from "./keyResourceTypes.js";

/** The names of the policies, as `--policy-pack-config` files use them. */
export const KEY_POLICY_NAMES = {
  noUnlimitedQuota: "cometapi-no-unlimited-quota",
  expiry: "cometapi-key-expiry",
  ipAllowlist: "cometapi-ip-allowlist",
  modelAllowlist: "cometapi-model-allowlist",
  maxQuota: "cometapi-max-quota",
  maxGrace: "cometapi-max-grace",
} as const;

/** Options of `cometApiKeyPolicies`: defaults that a `--policy-pack-config` file can still override. */
export interface CometApiKeyPolicyOptions {
  /**
   * Enforcement level per policy (`advisory` warns, `mandatory` fails the preview, `disabled`).
   * @default unlimited quota, expiry and max quota `mandatory`; IP and model allowlists `advisory`
   * @example enforcementLevels: { "cometapi-ip-allowlist": "mandatory" }
   */
  enforcementLevels?: Partial<
    Record<(typeof KEY_POLICY_NAMES)[keyof typeof KEY_POLICY_NAMES], EnforcementLevel>
  >;
  /**
   * The longest a key may live: `expiresAt` at most this many days ahead, `rotateAfter` at most
   * this long. Config: `{"cometapi-key-expiry": {"maxDays": 30}}`.
   * @default 90
   * @example maxDays: 30
   */
  maxDays?: number;
  /**
   * The largest `quota` a key may have, in quota units (500000 = $1). Config:
   * `{"cometapi-max-quota": {"maxQuota": 5000000}}`.
   * @default 50_000_000 ($100)
   * @example maxQuota: 5_000_000
   */
  maxQuota?: number;
  /**
   * When set, the only models a key may list. Config: `{"cometapi-model-allowlist":
   * {"allowedModels": ["gpt-4o-mini"]}}`.
   * @default none: any model list that is not empty
   * @example allowedModels: ["gpt-4o-mini", "claude-3-5-haiku-latest"]
   */
  allowedModels?: string[];
  /**
   * The longest a replaced key may keep working (`retireAfter`), in hours: two valid keys exist
   * for at most this long after each replacement. Config: `{"cometapi-max-grace": {"maxGraceHours": 24}}`.
   * @default 168 (7 days)
   * @example maxGraceHours: 24
   */
  maxGraceHours?: number;
}

const DEFAULT_MAX_DAYS = 90;
const DEFAULT_MAX_QUOTA = 50_000_000;
const DEFAULT_MAX_GRACE_HOURS = 168;
/** Entries that let every address in. */
const OPEN_NETWORKS = new Set(["0.0.0.0/0", "::/0", "0.0.0.0", "::"]);

type Check<C> = (props: KeyProps, config: C, report: (message: string) => void, now: number) => void;

/** A policy over CometAPI keys only; `config` is the pack config over the defaults. */
function keyPolicy<C extends object>(
  spec: Omit<ResourceValidationPolicy, "validateResource"> & { defaults: C },
  check: Check<C>,
): ResourceValidationPolicy {
  const { defaults, ...policy } = spec;
  return {
    ...policy,
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      if (!isCometApiKeyType(args.type)) return;
      const config = { ...defaults, ...definedOnly(args.getConfig<Partial<C>>()) } as C;
      check(args.props as KeyProps, config, (message) => reportViolation(message), nowSeconds());
    },
  };
}

/** The CometAPI key policies, ready for `new PolicyPack(name, { policies })`. */
export function cometApiKeyPolicies(options: CometApiKeyPolicyOptions = {}): ResourceValidationPolicy[] {
  const level = (name: string, fallback: EnforcementLevel): EnforcementLevel =>
    (options.enforcementLevels as Record<string, EnforcementLevel> | undefined)?.[name] ?? fallback;
  return [
    keyPolicy(
      {
        name: KEY_POLICY_NAMES.noUnlimitedQuota,
        description: "CometAPI keys have a quota: unlimitedQuota: true lets one key spend the whole account.",
        enforcementLevel: level(KEY_POLICY_NAMES.noUnlimitedQuota, "mandatory"),
        defaults: {},
      },
      (props, _config, report) => {
        if (props.unlimitedQuota === true) {
          report("unlimitedQuota is true: set quota (in quota units, 500000 = $1) instead");
        }
      },
    ),
    keyPolicy(
      {
        name: KEY_POLICY_NAMES.expiry,
        description: "CometAPI keys expire: expiresAt (or rotateAfter) is set and at most maxDays away.",
        enforcementLevel: level(KEY_POLICY_NAMES.expiry, "mandatory"),
        configSchema: {
          properties: {
            maxDays: { type: "number", minimum: 1, default: options.maxDays ?? DEFAULT_MAX_DAYS },
          },
        },
        defaults: { maxDays: options.maxDays ?? DEFAULT_MAX_DAYS },
      },
      (props, { maxDays }, report, now) => {
        const maxSeconds = maxDays * 86_400;
        const hasExpiry = props.expiresAt !== undefined && props.expiresAt !== null;
        const hasRotation = typeof props.rotateAfter === "string";
        if (!hasExpiry && !hasRotation) {
          report(
            `never expires: set expiresAt (at most ${maxDays} days ahead) or rotateAfter (at most ${maxDays}d)`,
          );
          return;
        }
        if (hasExpiry) {
          const at = parseExpiry(props.expiresAt);
          if (typeof at === "number" && at > now + maxSeconds) {
            report(
              `expiresAt ${toIso(at)} is more than ${maxDays} days ahead (maxDays ${maxDays}); bring it closer`,
            );
          }
        }
        if (hasRotation) {
          const lifetime = parseDuration(props.rotateAfter);
          if (typeof lifetime === "number" && lifetime > maxSeconds) {
            report(
              `rotateAfter "${String(props.rotateAfter)}" is longer than ${maxDays} days (maxDays ${maxDays})`,
            );
          }
        }
      },
    ),
    keyPolicy(
      {
        name: KEY_POLICY_NAMES.ipAllowlist,
        description:
          "CometAPI keys accept calls only from listed addresses: allowIps is set and not 0.0.0.0/0.",
        enforcementLevel: level(KEY_POLICY_NAMES.ipAllowlist, "advisory"),
        defaults: {},
      },
      (props, _config, report) => {
        const ips = stringList(props.allowIps);
        if (ips.length === 0)
          report("allowIps is empty, so any address may use the key: list your callers' CIDRs");
        const open = ips.filter((ip) => OPEN_NETWORKS.has(ip.trim()));
        if (open.length > 0) report(`allowIps contains ${open.join(", ")}, which lets every address in`);
      },
    ),
    keyPolicy(
      {
        name: KEY_POLICY_NAMES.modelAllowlist,
        description: "CometAPI keys name the models they may call: models is set (and within allowedModels).",
        enforcementLevel: level(KEY_POLICY_NAMES.modelAllowlist, "advisory"),
        configSchema: {
          properties: {
            allowedModels: {
              type: "array",
              items: { type: "string" },
              ...(options.allowedModels ? { default: options.allowedModels } : {}),
            },
          },
        },
        defaults: { allowedModels: options.allowedModels } as { allowedModels?: string[] },
      },
      (props, { allowedModels }, report) => {
        const models = stringList(props.models);
        if (models.length === 0) {
          report("models is empty, so the key may call every model: list the models it needs");
          return;
        }
        if (allowedModels !== undefined) {
          const others = models.filter((m) => !allowedModels.includes(m.trim()));
          if (others.length > 0) {
            report(`models ${others.join(", ")} not in allowedModels (${allowedModels.join(", ")})`);
          }
        }
      },
    ),
    keyPolicy(
      {
        name: KEY_POLICY_NAMES.maxQuota,
        description: "CometAPI keys stay within a budget: quota is at most maxQuota.",
        enforcementLevel: level(KEY_POLICY_NAMES.maxQuota, "mandatory"),
        configSchema: {
          properties: {
            maxQuota: { type: "number", minimum: 0, default: options.maxQuota ?? DEFAULT_MAX_QUOTA },
          },
        },
        defaults: { maxQuota: options.maxQuota ?? DEFAULT_MAX_QUOTA },
      },
      (props, { maxQuota }, report) => {
        if (typeof props.quota === "number" && props.quota > maxQuota) {
          report(`quota ${props.quota} is above maxQuota ${maxQuota} (quota units, 500000 = $1)`);
        }
      },
    ),
    keyPolicy(
      {
        name: KEY_POLICY_NAMES.maxGrace,
        description: "Replaced CometAPI keys stop working soon: retireAfter is at most maxGraceHours.",
        enforcementLevel: level(KEY_POLICY_NAMES.maxGrace, "mandatory"),
        configSchema: {
          properties: {
            maxGraceHours: {
              type: "number",
              minimum: 0,
              default: options.maxGraceHours ?? DEFAULT_MAX_GRACE_HOURS,
            },
          },
        },
        defaults: { maxGraceHours: options.maxGraceHours ?? DEFAULT_MAX_GRACE_HOURS },
      },
      (props, { maxGraceHours }, report) => {
        if (typeof props.retireAfter !== "string") return; // none (replaced keys go at once), or unknown
        const grace = parseDuration(props.retireAfter);
        if (typeof grace === "number" && grace > maxGraceHours * 3_600) {
          report(
            `retireAfter "${props.retireAfter}" is longer than ${maxGraceHours}h (maxGraceHours ${maxGraceHours}): ` +
              "a replaced key would keep working that long",
          );
        }
      },
    ),
  ];
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value ?? {}).filter(([, v]) => v !== undefined && v !== null),
  ) as Partial<T>;
}
