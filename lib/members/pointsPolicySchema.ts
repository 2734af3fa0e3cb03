import { z } from 'zod';
import type { ExpiryPolicy } from './pointLots';

// Admin-side validation only: the callback bundle imports pointLots.ts, not zod.
export const expiryPolicySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('never') }),
  /** Points earned in 2026 expire at the end of 2027-12-31 (the common Chinese retail rule). */
  z.object({ type: z.literal('endOfNextYear') }),
  z.object({ type: z.literal('days'), days: z.number().int().min(1).max(3660) }),
]) satisfies z.ZodType<ExpiryPolicy, unknown>;
