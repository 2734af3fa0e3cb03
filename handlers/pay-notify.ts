import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { payClient, payoutPorts } from '../lib/app/payouts';
import { errorBoundary } from '../lib/http/errorBoundary';
import { bodyText, json, type HttpResult } from '../lib/http/response';
import { appHandler } from '../lib/lambda/appHandler';
import { log } from '../lib/observability/log';
import { TRANSFER_BILL_FINISHED, transferBillFinished } from '../lib/pay/notification';
import { applyTransferNotification } from '../lib/payouts/transferNotification';

/**
 * WeChat Pay's callbacks. Nothing is believed before the signature (with clock skew) and the GCM tag
 * of the resource check out, and then only if it names our merchant, the order's follower and its
 * amount; a refusal is a 4xx with WeChat Pay's `{code, message}` body, so it retries.
 */
export const handler = appHandler(
  async (event: APIGatewayProxyEventV2, app): Promise<HttpResult> => {
    const [pay, ports] = await Promise.all([payClient(app), payoutPorts(app)]);
    if (!pay || !ports) return json(503, { code: 'FAIL', message: 'WeChat Pay is not configured here' });
    const opened = pay.openPayNotification({ headers: event.headers ?? {}, body: bodyText(event) });
    if (!opened.ok) {
      log.warn('pay callback refused', { status: opened.status, error: opened.error });
      return json(opened.status, { code: 'FAIL', message: opened.error });
    }
    if (opened.eventType !== TRANSFER_BILL_FINISHED) return json(200, { code: 'SUCCESS' });
    const bill = transferBillFinished(opened.resource);
    if (!bill) return json(400, { code: 'FAIL', message: 'the resource is not a transfer bill' });
    const outcome = await applyTransferNotification(ports, bill, pay.config.mchid);
    if (outcome.kind === 'mismatch') {
      // Authentic but not ours: an alarm for a person (metric filter on `alarm`), a failure for WeChat Pay.
      log.error('ALARM pay callback does not match the order', {
        alarm: 'pay-callback-mismatch',
        ref: bill.outBillNo,
        fields: outcome.fields,
        notificationId: opened.id,
      });
      return json(400, { code: 'FAIL', message: `the notification does not match the order (${outcome.fields.join(', ')})` });
    }
    if (outcome.kind === 'unknown-order') log.warn('transfer bill finished for an order we do not have', { ref: bill.outBillNo, state: bill.state });
    else log.info('transfer bill finished', { ref: bill.outBillNo, state: bill.state, step: outcome.step });
    return json(200, { code: 'SUCCESS' });
  },
  { boundary: errorBoundary() },
);
