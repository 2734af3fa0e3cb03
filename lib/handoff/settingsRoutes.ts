import { z } from 'zod';
import { HH_MM } from '../clock/timeZone';
import { okResponse } from '../http/respond';
import { withBody, type Route } from '../http/router';
import type { ConfigDocument } from '../store/configDocument';
import type { HandoffSettings } from './handoff';

const keyword = z.string().trim().min(1, 'a keyword cannot be empty').max(20);

export const handoffSettingsSchema = z
  .object({
    keywords: z.array(keyword).min(1).max(20),
    ackInHours: z.string().trim().min(1).max(600),
    ackOutOfHours: z.string().trim().min(1).max(600),
    serviceHours: z
      .object({
        days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
        from: z.string().regex(HH_MM, 'HH:MM'),
        to: z.string().regex(HH_MM, 'HH:MM'),
      })
      .refine((h) => h.from !== h.to, { message: 'from and to must differ' }),
    idleMinutes: z.number().int().min(5).max(1440),
    mode: z.enum(['inbox', 'wechat']),
    retentionDays: z.number().int().min(7).max(1095),
  })
  .strict() satisfies z.ZodType<HandoffSettings>;

export interface HandoffSettingsPorts {
  settings: ConfigDocument<HandoffSettings>;
  clock: { now(): number };
  /** Tells this container's caches (the callback reads the settings from memory). */
  changed: () => void;
}

/** Handoff settings: agents read them (service hours, keywords), operators change them. */
export function handoffSettingsRoutes(ports: HandoffSettingsPorts): Route[] {
  return [
    { method: 'GET', path: '/admin/handoff-settings', roles: ['agent', 'operator'], run: async () => okResponse(await ports.settings.get()) },
    {
      method: 'PUT',
      path: '/admin/handoff-settings',
      roles: ['operator'],
      run: (req) =>
        withBody(handoffSettingsSchema, req.body, async (settings) => {
          const value = { ...settings, serviceHours: { ...settings.serviceHours, days: [...new Set(settings.serviceHours.days)].sort((a, b) => a - b) } };
          await ports.settings.put(value, ports.clock.now());
          ports.changed();
          return okResponse(value);
        }),
    },
  ];
}
