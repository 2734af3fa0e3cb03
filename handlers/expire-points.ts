import middy from '@middy/core';
import { crmPorts } from '../lib/app/crm';
import { getRuntime } from '../lib/app/runtime';
import { businessDay } from '../lib/clock/timeZone';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import { dynamoExpiryIndex, expirePoints } from '../lib/members/expirePoints';
import { log } from '../lib/observability/log';
import { previousDay } from '../lib/signin/signIn';

/** Hourly: writes off the point lots that expired yesterday (in the account's time zone). Reruns are no-ops. */
export async function runPointsExpiry(event: { day?: string } | undefined) {
  const rt = await getRuntime();
  const day = typeof event?.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(event.day) ? event.day : previousDay(businessDay(rt.clock.now(), rt.config.timeZone));
  const result = await expirePoints({ ...crmPorts(rt), members: dynamoMemberStore(rt.table), ...dynamoExpiryIndex(rt.table) }, day);
  log.info('points expiry', { day, ...result });
  return { day, ...result };
}

export const handler = middy<{ day?: string } | undefined>().handler(runPointsExpiry);
