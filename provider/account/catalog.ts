/**
 * What one connection's account may use, asked once per provider process and shared by every
 * key of the run: the usable groups (`GET /api/user/self/groups`) and the usable models of each
 * group asked about (`GET /api/user/models?group=`, or all groups). A list that cannot be had (a
 * server without the route, a fault) is asked for no more in this process: it warns once and the
 * callers go on with their local checks. It never throws.
 */
import type { CometApiClient, UsableGroup } from "../service/client.js";

/** Retry budget of each list: check goes on without it rather than wait out a long fault. */
export const ACCOUNT_LIST_RETRY_BUDGET_MS = 5_000;

/** Where the one warning goes; the engine shows a provider's stderr in its output. */
export type Warn = (message: string) => void;

export class AccountCatalog {
  private groups?: Promise<UsableGroup[] | undefined>;
  private readonly models = new Map<string, Promise<string[] | undefined>>();
  private warned = false;

  constructor(
    private readonly client: CometApiClient,
    private readonly warn: Warn,
  ) {}

  /** The groups the account may select, or undefined when the service could not say. */
  usableGroups(): Promise<UsableGroup[] | undefined> {
    this.groups ??= this.ask(() => this.client.usableGroups({ retryBudgetMs: ACCOUNT_LIST_RETRY_BUDGET_MS }));
    return this.groups;
  }

  /**
   * The model ids usable in `group`, or in all usable groups for `""`; undefined when the
   * service could not say.
   */
  usableModels(group: string): Promise<string[] | undefined> {
    let asked = this.models.get(group);
    if (!asked) {
      asked = this.ask(() =>
        this.client.usableModels(group === "" ? undefined : group, {
          retryBudgetMs: ACCOUNT_LIST_RETRY_BUDGET_MS,
        }),
      );
      this.models.set(group, asked);
    }
    return asked;
  }

  private async ask<T>(request: () => Promise<T>): Promise<T | undefined> {
    try {
      return await request();
    } catch (error) {
      if (!this.warned) {
        this.warned = true;
        const reason = error instanceof Error ? error.message : String(error);
        this.warn(
          `warning: cometapi: could not read which models and groups this account may use (${reason}); ` +
            "`models` and `group` are checked locally only in this run. Servers without GET /api/user/models " +
            "or /api/user/self/groups (older new-api builds) always answer so; set cometapi:checkAccount false " +
            "to skip the check.",
        );
      }
      return undefined;
    }
  }
}
