/**
 * new-api's answer envelope: every management route answers HTTP 200 with it, whether the request
 * succeeded or the service refused it.
 */
import { z } from "zod";

/** `{"success": …, "message": …, "data": …}` — the envelope of every answer with HTTP 200. */
export const envelopeSchema = z.object({
  success: z.boolean(),
  message: z.string().nullish(),
  data: z.unknown().optional(),
});
