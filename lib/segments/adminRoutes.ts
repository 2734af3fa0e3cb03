import { z } from 'zod';
import { okResponse, respond } from '../http/respond';
import { withBody, type Route } from '../http/router';
import { listMembers } from './listMembers';
import { segmentSchema, type Segment } from './segment';
import { previewSegment, type SegmentPorts } from './select';

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
    .pipe(
      z.unknown().superRefine((v, ctx) => {
        if (v === undefined) return;
        const r = segmentSchema.safeParse(v);
        if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: i.path as (string | number)[], message: i.message });
      }),
    ),
  cursor: z.string().max(4096).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function segmentRoutes(ports: SegmentPorts): Route[] {
  return [
    {
      method: 'POST',
      path: '/admin/segments/preview',
      audit: { changes: false },
      roles: ['marketer', 'operator'],
      run: (req) => withBody(previewSchema, req.body, async ({ segment, sampleSize }) => okResponse(await previewSegment(ports, segment, sampleSize))),
    },
    {
      method: 'GET',
      path: '/admin/members',
      roles: ['operator', 'agent', 'marketer'],
      run: (req) =>
        withBody(listSchema, req.query, async ({ segment, cursor, limit }) =>
          respond(await listMembers(ports, segment as Segment | undefined, { limit, cursor })),
        ),
    },
  ];
}
