/**
 * Writes fresh, correctly signed sample events to events/ for `serverless invoke local`.
 * The callback refuses timestamps older than 5 minutes, so regenerate right before invoking.
 */
import { writeFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { messageModeOf } from '../lib/config/config';
import { eventXml, httpEvent, nextMsgId, pushEvent, textXml } from '../tests/support/pushes';
import { loadEnvFiles } from './loadEnvFiles';

loadEnvFiles(['.env', '.env.example']);
// Pushed in the account's message mode (a plain push to a safe-mode account is refused).
const mode = messageModeOf(process.env) === 'plain' ? 'plain' : 'aes';
const now = Math.floor(Date.now() / 1000);
const follower = 'o_sample_follower';
const save = (name: string, e: APIGatewayProxyEventV2) => writeFileSync(`events/${name}`, `${JSON.stringify(e, null, 2)}\n`);

save('wechat-text.json', pushEvent(textXml(follower, '营业时间', now, nextMsgId()), mode, { token: process.env.WECHAT_TOKEN }));
save('wechat-text-aes.json', pushEvent(textXml(follower, '地址', now, nextMsgId()), 'aes', { token: process.env.WECHAT_TOKEN }));
save('wechat-subscribe.json', pushEvent(eventXml(follower, 'subscribe', 'qrscene_poster', now), mode, { token: process.env.WECHAT_TOKEN }));
save('wechat-click.json', pushEvent(eventXml(follower, 'CLICK', 'MY_ACCOUNT', now), mode, { token: process.env.WECHAT_TOKEN }));
save('admin-list-rules.json', httpEvent('GET', '/admin/autoreply-rules', {}, undefined, { authorization: `Bearer ${process.env.ADMIN_TOKEN}` }));
console.log('events/ written; invoke within 5 minutes, e.g. npx serverless invoke local -f wechat -p events/wechat-text.json --stage local');
