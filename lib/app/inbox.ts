import { DEFAULT_HANDOFF_SETTINGS, type HandoffSettings } from '../handoff/handoff';
import type { InboxRoutePorts } from '../handoff/adminRoutes';
import { dynamoInbox } from '../handoff/dynamoInbox';
import type { QuickReply } from '../handoff/quickReplies';
import { dynamoHistoryStore } from '../history/dynamoHistoryStore';
import { cacheFor } from '../store/cacheFor';
import { configDocument } from '../store/configDocument';
import { CONFIG_CACHE_MS } from './crm';
import { wechatSendLimiter } from './broadcast';
import type { App } from './createApp';

/** The handoff settings (idle timeout, history retention), at most a few seconds old: the inbox is polled every second or two. */
const settingsCache = (app: App) =>
  cacheFor(
    CONFIG_CACHE_MS,
    async () => ({ ...DEFAULT_HANDOFF_SETTINGS, ...(await configDocument<HandoffSettings>(app.table, 'HANDOFF', DEFAULT_HANDOFF_SETTINGS).get()) }),
    app.clock,
  );

const quickReplyDocument = (app: App) => configDocument<QuickReply[]>(app.table, 'QUICK_REPLIES', []);

/** The agents' inbox: conversations on the profiles, the history, replies through the customer-service API at the shared outbound rate. */
export function inboxPorts(app: App): InboxRoutePorts {
  const cached = app.once(settingsCache);
  const settings = () => cached.get();
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
