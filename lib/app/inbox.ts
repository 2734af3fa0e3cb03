import { DEFAULT_HANDOFF_SETTINGS, type HandoffSettings } from '../handoff/handoff';
import type { InboxRoutePorts } from '../handoff/adminRoutes';
import { dynamoInbox } from '../handoff/dynamoInbox';
import type { QuickReply } from '../handoff/quickReplies';
import { dynamoHistoryStore } from '../history/dynamoHistoryStore';
import { configDocument } from '../store/configDocument';
import { wechatSendLimiter } from './broadcast';
import type { App } from './createApp';

/** The handoff settings as the inbox reads them (idle timeout, history retention). */
const handoffSettings = (app: App) => configDocument<HandoffSettings>(app.table, 'HANDOFF', DEFAULT_HANDOFF_SETTINGS);

export const quickReplyDocument = (app: App) => configDocument<QuickReply[]>(app.table, 'QUICK_REPLIES', []);

/** The agents' inbox: conversations on the profiles, the history, replies through the customer-service API at the shared outbound rate. */
export function inboxPorts(app: App): InboxRoutePorts {
  const settingsDoc = handoffSettings(app);
  const settings = async () => ({ ...DEFAULT_HANDOFF_SETTINGS, ...(await settingsDoc.get()) });
  const limiter = wechatSendLimiter(app);
  return {
    inbox: dynamoInbox(app.table),
    history: dynamoHistoryStore(app.table, async () => (await settings()).retentionDays),
    settings,
    clock: app.clock,
    async send(message) {
      await limiter.take();
      return app.wechatApi.sendCustomMessage(message);
    },
    quickReplies: () => quickReplyDocument(app).get(),
    quickReplyDocument: quickReplyDocument(app),
    media: { getMedia: (id) => app.wechatApi.getMedia(id), uploadImage: (image) => app.wechatApi.uploadImage(image) },
  };
}
