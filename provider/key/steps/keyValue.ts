import type { ApiKeyRecord } from "../../service/client.js";
import { isMasked } from "../recordMapping.js";
import type { Session } from "../session.js";

/** The full key value of a record: from the record when unmasked, else revealed once. */
export async function keyValueOf(s: Session, record: ApiKeyRecord): Promise<string> {
  const raw = isMasked(record.key) ? await s.revealer.reveal(record.id) : record.key;
  return `sk-${raw}`;
}
