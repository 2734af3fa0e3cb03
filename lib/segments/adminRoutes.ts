import { z } from 'zod';
import { json } from '../http/response';
import { invalid, withBody, type Route } from '../http/router';
import { segmentSchema, type Segment } from './segment';
import { BadSegmentCursorError, previewSegment, selectMembers, type SegmentPorts } from './select';

export const previewSchema = z.strictObject({ segment: segmentSchema, sampleSize: z.number().int().min(0).max(100).default(10) });

const listSchema = z.object({
  segment: z
    .string()
    .max(8192)
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not valid JSON (URL-encode the segment object)' });
        return z.NEVER;
      }
    })
    .pipe(z.unknown().superRefine((v, ctx) => {
      if (v === undefined) return;
      const r = segmentSchema.safeParse(v);
      if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: i.path as (string | number)[], message: i.message });
    })),
  cursor: z.string().max(4096).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Without a segment: every member that ever interacted (the activity walk). */
const EVERYONE: Segment = { any: [{ subscribed: true }, { subscribed: false }] };

export function segmentRoutes(ports: SegmentPorts): Route[] {
  return [
    {
      method: 'POST',
      path: '/admin/segments/preview',
      run: (req) => withBody(previewSchema, req.body, async ({ segment, sampleSize }) => json(200, await previewSegment(ports, segment, sampleSize))),
    },
    {
      method: 'GET',
      path: '/admin/members',
      run: async (req) => {
        const parsed = listSchema.safeParse(req.query);
        if (!parsed.success) return invalid(parsed.error);
        const { segment, cursor, limit } = parsed.data;
        try {
          const page = await selectMembers(ports, (segment as Segment | undefined) ?? EVERYONE, { limit, cursor });
          return json(200, { members: page.members, cursor: page.cursor ?? null, itemsRead: page.itemsRead });
        } catch (err) {
          if (err instanceof BadSegmentCursorError) return json(400, { error: `cursor: ${err.message}` });
          throw err;
        }
      },
    },
  ];
}
