/**
 * Lookups are exact (issue 21, case 8): `getApiKeys` pages through the listing (newest first,
 * offset paging); a key created or deleted between two pages shifts every later page. The lookup
 * must still return each live key once: it notices the shift and reads again.
 */
import { describe, expect, it } from "vitest";
import { getApiKeys } from "../../../provider/key/lookups";
import { CometApiClient } from "../../../provider/service/client";
import { useEmulator } from "../../support/emulatorHooks";

const emu = useEmulator({ resetEach: true });

/** A client whose listing runs `between` (real requests) once, right after page `afterPage` answered. */
function clientChangingTheAccount(afterPage: number, between: (c: CometApiClient) => Promise<void>) {
  const client = new CometApiClient({ baseUrl: emu.url, accessToken: emu.accessToken, userId: emu.userId });
  const listKeys = client.listKeys.bind(client);
  let done = false;
  client.listKeys = async (options) => {
    const page = await listKeys(options);
    if (!done && options?.page === afterPage) {
      done = true;
      await between(client);
    }
    return page;
  };
  return client;
}

async function seed(n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i += 1)
    ids.push((await emu.control.createKeyDirect(emu.userId, { name: `team-${i}` })).id);
  return ids;
}

describe("getApiKeys while the account changes", () => {
  it("a key created between two pages: every key once, the new one included", async () => {
    await seed(150);
    let created = 0;
    const client = clientChangingTheAccount(1, async () => {
      created = (await emu.control.createKeyDirect(emu.userId, { name: "team-new" })).id;
    });
    const found = (await getApiKeys(client, { namePrefix: "team-" })).map((k) => k.keyId);
    const live = (await emu.control.keys(emu.userId)).map((k) => k.id);
    expect(found).toHaveLength(new Set(found).size);
    expect([...found].sort((a, b) => a - b)).toEqual(live);
    expect(found).toContain(created);
    await client.close();
  });

  it("a key deleted between two pages: no live key skipped", async () => {
    const ids = await seed(150);
    const client = clientChangingTheAccount(1, async (c) => {
      await c.deleteKey(ids[ids.length - 1] as number); // the newest, on page 1
    });
    const found = (await getApiKeys(client, { namePrefix: "team-" })).map((k) => k.keyId);
    const live = (await emu.control.keys(emu.userId)).map((k) => k.id);
    expect(found).toHaveLength(149);
    expect([...found].sort((a, b) => a - b)).toEqual(live);
    await client.close();
  });
});
