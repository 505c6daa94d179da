/** Request counts per route pattern ("GET /api/token/:id") and per answered status. */
export type RequestCounts = Record<string, { total: number; byStatus: Record<string, number> }>;

export class RequestCounter {
  private counts: RequestCounts = {};

  /**
   * Records one request. `status` is the HTTP status, or "reset" / "timeout" / "lost-response"
   * for requests that got no answer.
   */
  record(route: string, status: number | string): void {
    let entry = this.counts[route];
    if (!entry) {
      entry = { total: 0, byStatus: {} };
      this.counts[route] = entry;
    }
    entry.total++;
    const key = String(status);
    entry.byStatus[key] = (entry.byStatus[key] ?? 0) + 1;
  }

  snapshot(): RequestCounts {
    return JSON.parse(JSON.stringify(this.counts)) as RequestCounts;
  }

  reset(): void {
    this.counts = {};
  }
}
