/**
 * PLACEHOLDER so that the root Pulumi.yaml (main: examples/quickstart/index.ts) is a runnable
 * program. The real quickstart (CometApiKey resources against the emulator) replaces this file.
 */
import * as pulumi from "@pulumi/pulumi";

export const placeholder: string = `quickstart placeholder for ${pulumi.getProject()}/${pulumi.getStack()}`;
