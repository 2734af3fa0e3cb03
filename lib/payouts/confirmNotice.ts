import { yuan } from '../money/yuan';
import type { Payout } from './payoutStore';
import type { PayoutPorts } from './processPayout';

/**
 * Tells the follower a transfer waits for them (a link to the confirmation page, or a service
 * notice outside the 48-hour window). Only the step whose move to awaiting-confirmation landed calls
 * it, so a follower gets one link per order.
 */
export async function askToConfirm(
  ports: Pick<PayoutPorts, 'notify' | 'payouts' | 'clock' | 'confirmPageUrl' | 'confirmTemplateId'>,
  p: Payout,
): Promise<void> {
  const link = ports.confirmPageUrl ? `${ports.confirmPageUrl}?bill=${encodeURIComponent(p.ref)}` : undefined;
  const told = await ports
    .notify(p.openid ?? '', {
      text: `你的 ${yuan(p.amountFen)} 元红包已发出，请${link ? `点击 <a href="${link}">确认收款</a>` : '在微信支付消息中确认收款'}（24 小时内有效）。`,
      template:
        link && ports.confirmTemplateId
          ? {
              templateId: ports.confirmTemplateId,
              url: link,
              data: { first: { value: '你有一笔红包待确认收款' }, keyword1: { value: `${yuan(p.amountFen)} 元` }, keyword2: { value: p.campaignName } },
            }
          : undefined,
      by: { kind: 'notice', what: 'payout-confirm' },
    })
    .catch(() => undefined);
  if (told && 'sent' in told) await ports.payouts.update(p.ref, { confirmSentAt: new Date(ports.clock.now()).toISOString() }, ports.clock.now());
}
