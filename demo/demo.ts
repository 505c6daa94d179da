/**
 * `npm run demo`: the quickstart program (root Pulumi.yaml → examples/quickstart/index.ts) driven
 * through the real Pulumi engine against the embedded CometAPI emulator, step by step:
 * preview → up → model calls with the new key → refresh → a config change → preview → up →
 * summary → destroy.
 *
 *   node dist/demo/demo.js [--keep] [--real [--yes]]
 *
 * --keep   leave the stack and the emulator running and print how to use them by hand
 * --real   run against the real CometAPI (COMETAPI_ACCESS_TOKEN, optional COMETAPI_USER_ID and
 *          COMETAPI_BASE_URL): preview only, unless --yes is given too
 *
 * Environment (for tests): COMETAPI_DEMO_STATE_DIR (default .state/demo or .state/demo-real),
 * COMETAPI_DEMO_STACK (default demo or demo-real).
 */
import { mkdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { type RunningEmulator, startEmulator } from "../emulator";
import { CometApiClient, resolveConnection } from "../provider";
import { bold, changes, EngineOutput, Narrator, quota, table } from "./console";
import { type DemoStack, openDemoStack, repoRoot } from "./workspace";

const PROJECT = "cometapi-quickstart";
const KEY_TYPE = "pulumi-nodejs:dynamic/cometapi:CometApiKey";
const PASSPHRASE = "pulumi-cometapi-demo";
/** Quota the emulator charges per accepted model call (25,000 units = $0.05). */
const CHARGE_PER_CALL = 25_000;
const DEMO_CONFIG_KEYS = ["backendModels", "backendQuota", "batchEnabled"];

interface Flags {
  keep: boolean;
  real: boolean;
  yes: boolean;
}

const USAGE = `usage: npm run demo -- [--keep] [--real [--yes]]

  (no flag)  the quickstart against the embedded CometAPI emulator: preview, up, model calls,
             refresh, a config change, preview, up, summary, destroy; cleans up after itself
  --keep     leave the stack and the emulator up, and print how to run \`pulumi preview\` by hand
  --real     against the real CometAPI (needs COMETAPI_ACCESS_TOKEN; COMETAPI_USER_ID and
             COMETAPI_BASE_URL optional): preview only; nothing is created without --yes
  --yes      with --real: apply for real (creates two keys, updates them, destroys them)
`;

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = { keep: false, real: false, yes: false };
  for (const arg of argv) {
    if (arg === "--keep") flags.keep = true;
    else if (arg === "--real") flags.real = true;
    else if (arg === "--yes") flags.yes = true;
    else if (arg === "--help" || arg === "-h") {
      process.stdout.write(USAGE);
      process.exit(0);
    } else {
      process.stderr.write(`unknown argument ${JSON.stringify(arg)}\n\n${USAGE}`);
      process.exit(2);
    }
  }
  if (flags.yes && !flags.real) {
    process.stderr.write(`--yes only applies to --real\n\n${USAGE}`);
    process.exit(2);
  }
  return flags;
}

/** A key as the stack's state records it (outputs only; never the `key` value). */
interface KeyState {
  logicalName: string;
  name: string;
  keyId: number;
  maskedKey: string;
  status: string;
  remainingQuota: number | undefined;
  usedQuota: number | undefined;
  unlimitedQuota: boolean;
  models: string[];
}

async function keysInState(stack: Stack): Promise<KeyState[]> {
  const state = await stack.exportStack();
  const resources = (state.deployment.resources ?? []) as {
    urn: string;
    type: string;
    outputs?: Record<string, unknown>;
  }[];
  return resources
    .filter((r) => r.type === KEY_TYPE)
    .map((r) => {
      const o = r.outputs ?? {};
      return {
        logicalName: r.urn.split("::").pop() ?? r.urn,
        name: String(o.name ?? ""),
        keyId: Number(o.keyId),
        maskedKey: String(o.maskedKey ?? ""),
        status: String(o.status ?? ""),
        remainingQuota: typeof o.remainingQuota === "number" ? o.remainingQuota : undefined,
        usedQuota: typeof o.usedQuota === "number" ? o.usedQuota : undefined,
        unlimitedQuota: o.unlimitedQuota === true,
        models: Array.isArray(o.models) ? o.models.map(String) : [],
      };
    })
    .sort((a, b) => a.logicalName.localeCompare(b.logicalName));
}

function summaryTable(keys: readonly KeyState[]): string {
  return table(
    ["key", "name", "id", "masked key", "status", "remaining quota", "used", "models"],
    keys.map((k) => [
      k.logicalName,
      k.name,
      String(k.keyId),
      k.maskedKey,
      k.status,
      k.unlimitedQuota ? `unlimited (${quota(k.remainingQuota)})` : quota(k.remainingQuota),
      quota(k.usedQuota),
      k.models.length > 0 ? k.models.join(", ") : "any",
    ]),
  );
}

/** One model call with a key; never prints the key. */
async function chat(
  baseUrl: string,
  key: string,
  model: string,
): Promise<{ status: number; code: string | undefined }> {
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "Say hello in five words." }] }),
  });
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
  return { status: res.status, code: body.error?.code };
}

/** Runs one engine operation with its output streamed, then flushes the partial last line. */
async function streamed<T>(run: (onOutput: (chunk: string) => void) => Promise<T>): Promise<T> {
  const out = new EngineOutput();
  try {
    return await run(out.write);
  } finally {
    out.flush();
  }
}

const color = process.stdout.isTTY ? ("always" as const) : ("never" as const);

async function removeDemoConfig(stack: Stack): Promise<void> {
  const all = await stack.getAllConfig();
  for (const key of DEMO_CONFIG_KEYS) {
    if (`${PROJECT}:${key}` in all) await stack.removeConfig(key);
  }
}

/** Destroys whatever an earlier run (`--keep`, or an interrupted one) left in the stack. */
async function destroyLeftovers(demo: DemoStack, say: Narrator): Promise<void> {
  const left = await keysInState(demo.stack);
  if (left.length === 0) return;
  say.info(
    `Found ${left.length} key(s) left in stack "${demo.stack.name}" by an earlier run (--keep?): destroying them first.`,
  );
  // `runProgram`: without it, destroy would configure the provider with the connection recorded at
  // the last `up` (the emulator's old port); running the program picks up today's config.
  await streamed((onOutput) => demo.stack.destroy({ onOutput, color, runProgram: true }));
}

async function runEmulatorDemo(flags: Flags): Promise<void> {
  const root = repoRoot();
  const stateDir = process.env.COMETAPI_DEMO_STATE_DIR ?? join(root, ".state", "demo");
  const stackName = process.env.COMETAPI_DEMO_STACK ?? "demo";
  const say = new Narrator(10);
  const started = Date.now();

  say.begin(
    "emulator",
    `starting the embedded CometAPI emulator (keys persisted to ${relative(root, stateDir) || stateDir}/emulator.json; no account needed)`,
  );
  mkdirSync(stateDir, { recursive: true });
  const emulator: RunningEmulator = await startEmulator({
    dataFile: join(stateDir, "emulator.json"),
    chargePerRequest: CHARGE_PER_CALL,
  });
  let succeeded = false;
  try {
    say.result(`listening on ${emulator.url} as user ${emulator.userId}`);
    const demo = await openDemoStack({ stackName, stateDir, passphrase: PASSPHRASE });
    const { stack } = demo;
    await stack.setAllConfig({
      "cometapi:baseUrl": { value: emulator.url },
      "cometapi:userId": { value: String(emulator.userId) },
      "cometapi:accessToken": { value: emulator.accessToken, secret: true },
    });
    await removeDemoConfig(stack);
    say.result(
      `stack "${stackName}" of ${PROJECT} on ${demo.backendUrl} (config: cometapi:baseUrl, cometapi:userId, cometapi:accessToken as a secret)`,
    );
    await destroyLeftovers(demo, say);

    say.begin(
      "preview",
      "what `pulumi preview` shows for the quickstart on a fresh stack: nothing is created yet",
    );
    const preview1 = await streamed((onOutput) => stack.preview({ onOutput, color }));
    say.result(`preview: ${changes(preview1.changeSummary)} (the stack itself plus two keys)`);

    say.begin(
      "up",
      "`pulumi up` creates the two keys: backend (limited, restricted) and batch (unlimited, disabled)",
    );
    const up1 = await streamed((onOutput) => stack.up({ onOutput, color }));
    const created = await keysInState(stack);
    for (const k of created) {
      say.result(
        `${k.logicalName}: id ${k.keyId}, ${k.maskedKey}, ${k.status}, remaining quota ${quota(k.remainingQuota)}`,
      );
    }
    const backendKey = up1.outputs.backendKey;
    if (backendKey === undefined || typeof backendKey.value !== "string") {
      throw new Error("the quickstart did not export backendKey");
    }
    say.result(
      `backendKey is exported as a Pulumi secret (secret: ${backendKey.secret}); it is never printed here`,
    );

    say.begin(
      "model calls",
      `three chat completions with the new backend key; the emulator charges ${quota(CHARGE_PER_CALL)} quota units each`,
    );
    const backend = created.find((k) => k.logicalName === "backend");
    const batch = created.find((k) => k.logicalName === "batch");
    if (backend === undefined || batch === undefined)
      throw new Error("the quickstart did not create backend and batch");
    const remainOf = async (id: number) =>
      (await emulator.control.keys()).find((k) => k.id === id)?.remain_quota;
    for (let i = 1; i <= 3; i += 1) {
      const r = await chat(emulator.url, backendKey.value, "gpt-4o-mini");
      say.result(
        `call ${i}: gpt-4o-mini → HTTP ${r.status}; backend's remaining quota is now ${quota(await remainOf(backend.keyId))}`,
      );
    }
    const refused = await chat(emulator.url, backendKey.value, "gpt-4o");
    say.result(`gpt-4o (not in backend's models) → HTTP ${refused.status} ${refused.code ?? ""}`.trimEnd());
    const batchRecord = (await emulator.control.keys()).find((k) => k.id === batch.keyId);
    if (batchRecord !== undefined) {
      const r = await chat(emulator.url, `sk-${batchRecord.key}`, "gpt-4o-mini");
      say.result(`the disabled batch key → HTTP ${r.status} ${r.code ?? ""}`.trimEnd());
    }

    say.begin(
      "refresh",
      "`pulumi refresh` reads the keys back: usage lowers the remainingQuota output but is not drift",
    );
    const refresh = await streamed((onOutput) => stack.refresh({ onOutput, color }));
    const refreshed = await keysInState(stack);
    const backendAfterRefresh = refreshed.find((k) => k.logicalName === "backend");
    say.result(
      `refresh: ${changes(refresh.summary.resourceChanges as Record<string, number> | undefined)}; backend's remainingQuota in state: ` +
        `${quota(backendAfterRefresh?.remainingQuota)}, usedQuota ${quota(backendAfterRefresh?.usedQuota)}; configured quota unchanged`,
    );

    say.begin(
      "config change",
      "narrowing backend's models to [gpt-4o-mini] and enabling batch (stack config the program reads)",
    );
    await stack.setConfig("backendModels", { value: JSON.stringify(["gpt-4o-mini"]) });
    await stack.setConfig("batchEnabled", { value: "true" });
    say.result(`pulumi config set backendModels '["gpt-4o-mini"]'; pulumi config set batchEnabled true`);

    say.begin("preview", "the change is an in-place update of both keys (no replacement, quota untouched)");
    const preview2 = await streamed((onOutput) => stack.preview({ onOutput, color, diff: true }));
    say.result(`preview: ${changes(preview2.changeSummary)}`);

    say.begin("up", "apply the update: a full update for backend, a status-only update for batch");
    const up2 = await streamed((onOutput) => stack.up({ onOutput, color }));
    say.result(`up: ${changes(up2.summary.resourceChanges as Record<string, number> | undefined)}`);
    const sonnet = await chat(emulator.url, backendKey.value, "claude-3-5-sonnet");
    say.result(`claude-3-5-sonnet with backend now → HTTP ${sonnet.status} ${sonnet.code ?? ""}`.trimEnd());

    say.begin("summary", "the keys as the stack's state records them (masked keys only)");
    const final = await keysInState(stack);
    say.info(summaryTable(final));
    const backendFinal = final.find((k) => k.logicalName === "backend");
    say.result(
      `backend kept its usage across the update: remaining ${quota(backendFinal?.remainingQuota)} of the configured ${quota(5_000_000)}`,
    );

    if (flags.keep) {
      say.begin("keep", "the stack and the emulator stay up (--keep)");
      const bin = demo.pulumiBinDir;
      say.info(
        [
          "",
          `In another shell, from ${root}:`,
          "",
          `  export PATH="${bin}:$PATH"`,
          `  export PULUMI_BACKEND_URL=${demo.backendUrl}`,
          `  export PULUMI_CONFIG_PASSPHRASE=${PASSPHRASE}`,
          "  export NODE_OPTIONS=--disable-warning=ExperimentalWarning   # optional: hides Node's node:sqlite warning",
          `  pulumi preview --stack ${stackName}`,
          `  pulumi stack output --stack ${stackName}                     # masked keys, ids; backendKey stays [secret]`,
          `  pulumi config set backendQuota 10000000 --stack ${stackName} && pulumi preview --stack ${stackName} --diff`,
          "",
          `The emulator keeps running here at ${emulator.url}. Press Ctrl-C to stop it; the stack is kept`,
          "and the next `npm run demo` destroys it first.",
        ].join("\n"),
      );
      await new Promise<void>((done) => {
        process.once("SIGINT", done);
        process.once("SIGTERM", done);
      });
      say.info("\nStopping the emulator (its keys are saved; the stack is kept).");
      return;
    }

    say.begin(
      "destroy",
      "`pulumi destroy` deletes both keys; then the stack and the demo's state are removed",
    );
    const destroyed = await streamed((onOutput) => stack.destroy({ onOutput, color }));
    say.result(
      `destroy: ${changes(destroyed.summary.resourceChanges as Record<string, number> | undefined)}`,
    );
    const left = await emulator.control.keys();
    say.result(`keys left in the emulator: ${left.length}`);
    await stack.workspace.removeStack(stack.name);
    succeeded = true;
    say.info(
      `\n${bold("Done")} in ${Math.round((Date.now() - started) / 1000)} s. Next: the programs in examples/, or \`npm run demo -- --keep\` to poke at the stack yourself.`,
    );
  } finally {
    await emulator.close();
    // Kept after --keep (the stack lives on) and after a failure (the next run destroys what is left).
    if (succeeded) rmSync(stateDir, { recursive: true, force: true });
  }
}

async function runRealDemo(flags: Flags): Promise<void> {
  const root = repoRoot();
  const stateDir = process.env.COMETAPI_DEMO_STATE_DIR ?? join(root, ".state", "demo-real");
  const stackName = process.env.COMETAPI_DEMO_STACK ?? "demo-real";
  if (!process.env.COMETAPI_ACCESS_TOKEN) {
    process.stderr.write(
      "--real needs COMETAPI_ACCESS_TOKEN (CometAPI console → Personal Settings → access token);\n" +
        "set COMETAPI_USER_ID too if your deployment wants the New-Api-User header.\n",
    );
    process.exit(2);
  }
  const say = new Narrator(flags.yes ? (flags.keep ? 8 : 9) : 2);
  const connection = resolveConnection({});
  say.begin("connect", `checking the access token against ${connection.baseUrl} (one read-only list call)`);
  const client = new CometApiClient(connection);
  try {
    const page = await client.listKeys({ page: 1, pageSize: 1 });
    say.result(
      `authenticated${connection.userId === undefined ? "" : ` as user ${connection.userId}`}; ${page.total} key(s) in the account`,
    );
  } finally {
    await client.close();
  }
  const demo = await openDemoStack({ stackName, stateDir, passphrase: PASSPHRASE });
  const { stack } = demo;
  await removeDemoConfig(stack);

  say.begin(
    "preview",
    "what `pulumi up` would create in your account (the connection comes from COMETAPI_* variables)",
  );
  const preview = await streamed((onOutput) => stack.preview({ onOutput, color }));
  say.result(`preview: ${changes(preview.changeSummary)}`);
  if (!flags.yes) {
    await stack.workspace.removeStack(stack.name);
    rmSync(stateDir, { recursive: true, force: true });
    say.info(
      "\nNothing was created. `npm run demo -- --real --yes` creates the two keys, updates them and destroys them again.",
    );
    return;
  }

  say.begin("up", "creating the two keys in your account");
  await streamed((onOutput) => stack.up({ onOutput, color }));
  say.info(summaryTable(await keysInState(stack)));
  say.info("  (no model calls against the real service: they would spend real quota)");

  say.begin("refresh", "reading the keys back");
  const refresh = await streamed((onOutput) => stack.refresh({ onOutput, color }));
  say.result(`refresh: ${changes(refresh.summary.resourceChanges as Record<string, number> | undefined)}`);

  say.begin("config change", "narrowing backend's models to [gpt-4o-mini] and enabling batch");
  await stack.setConfig("backendModels", { value: JSON.stringify(["gpt-4o-mini"]) });
  await stack.setConfig("batchEnabled", { value: "true" });

  say.begin("preview", "an in-place update of both keys");
  const preview2 = await streamed((onOutput) => stack.preview({ onOutput, color, diff: true }));
  say.result(`preview: ${changes(preview2.changeSummary)}`);

  say.begin("up", "applying the update");
  await streamed((onOutput) => stack.up({ onOutput, color }));

  say.begin("summary", "the keys as the stack's state records them");
  say.info(summaryTable(await keysInState(stack)));
  if (flags.keep) {
    say.info(
      `\nKept (--keep). Remove them later with: PULUMI_BACKEND_URL=${demo.backendUrl} PULUMI_CONFIG_PASSPHRASE=${PASSPHRASE} pulumi destroy --stack ${stackName}`,
    );
    return;
  }
  say.begin("destroy", "deleting both keys from your account");
  await streamed((onOutput) => stack.destroy({ onOutput, color }));
  await stack.workspace.removeStack(stack.name);
  rmSync(stateDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.real) await runRealDemo(flags);
  else await runEmulatorDemo(flags);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`\ndemo failed: ${message}\n`);
    process.exit(1);
  },
);
