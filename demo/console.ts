/**
 * How the demo talks: one narration line per step, the engine's own output streamed underneath
 * (indented), and a summary table at the end. Nothing here ever prints a key value or a token.
 */

const useColor = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;

function paint(code: string, text: string): string {
  return useColor ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export const bold = (text: string): string => paint("1", text);
export const dim = (text: string): string => paint("2", text);

/** Numbered narration: `▶ [3/9] up: …`. */
export class Narrator {
  private step = 0;

  constructor(private readonly total: number) {}

  /** Starts a numbered step: one line saying what happens next and why. */
  begin(title: string, detail: string): void {
    this.step += 1;
    process.stdout.write(`\n${bold(`▶ [${this.step}/${this.total}] ${title}`)}: ${detail}\n`);
  }

  /** One line of result, under the current step. */
  result(text: string): void {
    process.stdout.write(`  ${paint("32", "✔")} ${text}\n`);
  }

  /** One line of information outside the numbered steps. */
  info(text: string): void {
    process.stdout.write(`${text}\n`);
  }

  warn(text: string): void {
    process.stdout.write(`  ${paint("33", "!")} ${text}\n`);
  }
}

/**
 * A sink for the engine's `onOutput` chunks: complete lines are printed with a gutter, a partial
 * line waits for its end. Call `flush()` when the operation is over.
 */
export class EngineOutput {
  private pending = "";

  readonly write = (chunk: string): void => {
    this.pending += chunk;
    const lines = this.pending.split("\n");
    this.pending = lines.pop() ?? "";
    for (const line of lines) this.emit(line);
  };

  flush(): void {
    if (this.pending !== "") this.emit(this.pending);
    this.pending = "";
  }

  private emit(line: string): void {
    const text = line.replace(/\r/g, "");
    if (text.trim() === "") return;
    process.stdout.write(`  ${dim("│")} ${text}\n`);
  }
}

/** A plain text table with a header row and aligned columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd();
  const rule = `  ${widths.map((w) => "─".repeat(w)).join("  ")}`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** `4975000` → `4,975,000`. */
export function quota(n: number | undefined): string {
  return n === undefined ? "—" : n.toLocaleString("en-US");
}

/** An engine change summary as words: `{create: 3}` → `3 to create`. */
export function changes(summary: Record<string, number> | undefined): string {
  const parts = Object.entries(summary ?? {})
    .filter(([, n]) => n > 0)
    .map(([op, n]) => `${n} ${op}`);
  return parts.length > 0 ? parts.join(", ") : "no changes";
}
