/**
 * Measures the emulator's list latency at scale: 10,000 keys for one user, then timed
 * `GET /api/token/?p=N&page_size=100` requests. Run after a build:
 * `node dist/emulator/bench.js [keys] [requests]`.
 */
import { startEmulator } from "./index";

async function main(): Promise<void> {
  const keys = Number(process.argv[2] ?? 10_000);
  const requests = Number(process.argv[3] ?? 500);
  const emu = await startEmulator({ users: 2, maxUserTokens: keys + 1 });
  const t0 = performance.now();
  const batch = 50;
  for (let i = 0; i < keys; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, keys - i) }, (_, j) =>
        emu.control.createKeyDirect(emu.userId, { name: `bench-${i + j}`, remain_quota: 1000 }),
      ),
    );
  }
  const seedMs = performance.now() - t0;
  const headers = { authorization: emu.accessToken, "new-api-user": String(emu.userId) };
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const page = 1 + (i % Math.max(1, Math.floor(keys / 100)));
    const s = performance.now();
    const res = await fetch(`${emu.url}/api/token/?p=${page}&page_size=100`, { headers });
    const body = (await res.json()) as { data: { items: unknown[] } };
    times.push(performance.now() - s);
    if (body.data.items.length !== 100) throw new Error(`page ${page} had ${body.data.items.length} items`);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) =>
    (times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? 0).toFixed(2);
  process.stdout.write(
    `seeded ${keys} keys in ${seedMs.toFixed(0)} ms; list page of 100 over ${requests} requests: ` +
      `p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms\n`,
  );
  await emu.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
