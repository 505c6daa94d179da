/**
 * What the steps of a key's life share within one provider: the session of the connection, the
 * keys the state holds, where warnings go, and the engine's configuration. Made once by
 * `createCometApiKeyProvider` (`key/lifecycle.ts`) and handed to every step.
 */
import type { Session } from "../session.js";
import type { RecordedKeys } from "../unrecordedKeys.js";

export interface LifecycleContext {
  /** The session of the configured connection (one per connection and process, made on first use). */
  session(): Session;
  /** The keys the state holds, as this process learned them (what a create's lookup leaves out). */
  readonly recorded: RecordedKeys;
  /** Where warnings go (the engine shows a provider's stderr in its output). */
  readonly warn: (message: string) => void;
  /** The engine configured this provider: check then also verifies the connection (preview too). */
  engineConfigured: boolean;
  /** `cometapi:checkAccount` as configured (the environment decides when it is not). */
  checkAccount: string | undefined;
}
