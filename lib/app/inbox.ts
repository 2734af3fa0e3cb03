import type { InboxRoutePorts } from '../handoff/adminRoutes';
import { dynamoInbox } from '../handoff/dynamoInbox';
import type { QuickReply } from '../handoff/quickReplies';
import { configDocument } from '../store/configDocument';
import { wechatSendLimiter } from './broadcast';
import type { App } from './createApp';
import { handoffSettingsCache, historyStore } from './handoff';

const quickReplyDocument = (app: App) => configDocument<QuickReply[]>(app.table, 'QUICK_REPLIES', []);

/** The agents' inbox: conversations on the profiles, the history, replies through the customer-service API at the shared outbound rate. */
export function inboxPorts(app: App): InboxRoutePorts {
  // The same few-seconds cache as the callback's: the inbox is polled every second or two.
  const cached = handoffSettingsCache(app);
  const settings = () => cached.get();
  const limiter = wechatSendLimiter(app);
  return {
    inbox: dynamoInbox(app.table),
    history: historyStore(app),
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
