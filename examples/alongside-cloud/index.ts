/**
 * The key where the workload can read it: a CometAPI key, its value stored in a Kubernetes
 * Secret, and a Deployment whose container gets it as the COMETAPI_API_KEY environment variable.
 * The key value only ever travels as a Pulumi secret: encrypted in the state, `[secret]` in every
 * preview, and in the cluster only inside the Secret.
 *
 * In a real program, use `@pulumi/kubernetes`:
 *
 *   import * as k8s from "@pulumi/kubernetes";
 *   const secret = new k8s.core.v1.Secret("cometapi", { metadata: {…}, stringData: {…} });
 *
 * This example declares the two Kubernetes resource types itself (same type tokens, same
 * inputs), so that it type-checks and runs under Pulumi's mocks without the Kubernetes provider
 * installed; `pulumi up` of it needs a cluster and the kubernetes plugin, like any program using
 * `@pulumi/kubernetes`.
 */
import * as pulumi from "@pulumi/pulumi";
import { CometApiKey } from "pulumi-cometapi";

/** `kubernetes:core/v1:Secret`, the subset of `k8s.core.v1.Secret` used here. */
class Secret extends pulumi.CustomResource {
  declare readonly metadata: pulumi.Output<{ name: string; namespace: string }>;
  declare readonly stringData: pulumi.Output<Record<string, string>>;
  constructor(
    name: string,
    args: {
      metadata: pulumi.Input<{ name: pulumi.Input<string>; namespace: pulumi.Input<string> }>;
      stringData: pulumi.Input<Record<string, pulumi.Input<string>>>;
    },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      "kubernetes:core/v1:Secret",
      name,
      { apiVersion: "v1", kind: "Secret", type: "Opaque", data: undefined, ...args },
      // As in @pulumi/kubernetes: the Secret's payload is always a Pulumi secret.
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["data", "stringData"] }),
    );
  }
}

/** `kubernetes:apps/v1:Deployment`, the subset of `k8s.apps.v1.Deployment` used here. */
class Deployment extends pulumi.CustomResource {
  declare readonly metadata: pulumi.Output<{ name: string; namespace: string }>;
  declare readonly spec: pulumi.Output<unknown>;
  constructor(
    name: string,
    args: { metadata: pulumi.Input<Record<string, unknown>>; spec: pulumi.Input<Record<string, unknown>> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      "kubernetes:apps/v1:Deployment",
      name,
      { apiVersion: "apps/v1", kind: "Deployment", ...args },
      opts,
    );
  }
}

const config = new pulumi.Config();
const namespace = config.get("namespace") ?? "default";
const app = "chat-backend";

// The CometAPI part: runs against CometAPI (or the emulator) like every other example.
const apiKey = new CometApiKey("chat-backend", {
  quota: config.getNumber("quota") ?? 20_000_000,
  models: ["gpt-4o-mini", "claude-3-5-sonnet"],
  // The cluster's egress addresses: only the workload can use the key.
  allowIps: config.getObject<string[]>("egressCidrs") ?? ["10.0.0.0/8"],
});

const secret = new Secret(app, {
  metadata: { name: `${app}-cometapi`, namespace },
  // `pulumi.secret` is explicit here although `apiKey.key` is already secret: the wiring stays
  // safe even if the value comes from somewhere that is not.
  stringData: { COMETAPI_API_KEY: pulumi.secret(apiKey.key) },
});

const labels = { app };
const deployment = new Deployment(app, {
  metadata: { name: app, namespace, labels },
  spec: {
    replicas: 2,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        containers: [
          {
            name: app,
            image: config.get("image") ?? "ghcr.io/example/chat-backend:1.0.0",
            env: [
              { name: "COMETAPI_BASE_URL", value: "https://api.cometapi.com/v1" },
              {
                name: "COMETAPI_API_KEY",
                valueFrom: {
                  secretKeyRef: { name: secret.metadata.apply((m) => m.name), key: "COMETAPI_API_KEY" },
                },
              },
            ],
          },
        ],
      },
    },
  },
});

export const keyId = apiKey.keyId;
export const maskedKey = apiKey.maskedKey;
export const secretName = secret.metadata.apply((m) => m.name);
export const deploymentName = deployment.metadata.apply((m) => m.name);
