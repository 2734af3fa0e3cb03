import { crmPorts } from '../lib/app/crm';
import { businessDay } from '../lib/clock/timeZone';
import { appHandler } from '../lib/lambda/appHandler';
import { eventOption } from '../lib/lambda/handler';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import { dynamoExpiryIndex, expirePoints } from '../lib/members/expirePoints';
import { log } from '../lib/observability/log';
import { previousDay } from '../lib/signin/signIn';

/** Hourly: writes off the point lots that expired yesterday (in the account's time zone). Reruns are no-ops. */
export const handler = appHandler(async (event: unknown, app) => {
  // `{ day }` reruns one day by hand; the schedule sends none.
  const day = eventOption(event, 'day', /^\d{4}-\d{2}-\d{2}$/) ?? previousDay(businessDay(app.clock.now(), app.config.timeZone));
  const result = await expirePoints({ ...crmPorts(app), members: dynamoMemberStore(app.table), ...dynamoExpiryIndex(app.table) }, day);
  log.info('points expiry', { day, ...result });
  return { day, ...result };
});
