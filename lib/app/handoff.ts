import { DEFAULT_HANDOFF_SETTINGS, type HandoffSettings } from '../handoff/handoff';
import { dynamoHandoffRequests } from '../handoff/dynamoHandoffRequests';
import { dynamoHistoryRecorder, dynamoHistoryStore } from '../history/dynamoHistoryStore';
import type { HistoryStore } from '../history/historyStore';
import { cacheFor } from '../store/cacheFor';
import { configDocument } from '../store/configDocument';
import { CONFIG_CACHE_MS } from './crm';
import type { App } from './createApp';

export function handoffSettingsDocument(app: App) {
  return configDocument<HandoffSettings>(app.table, 'HANDOFF', DEFAULT_HANDOFF_SETTINGS);
}

// One cache per app, so a change saved in this container is seen by its next push at once.
function settingsCache(app: App) {
  return cacheFor(CONFIG_CACHE_MS, async () => ({ ...DEFAULT_HANDOFF_SETTINGS, ...(await handoffSettingsDocument(app).get()) }), app.clock);
}
/** The handoff settings as hot paths read them: from memory, at most a few seconds old. */
export const handoffSettingsCache = (app: App) => app.once(settingsCache);

/** Conversation history, kept for the retention the handoff settings give. */
export function historyStore(app: App): HistoryStore {
  const settings = handoffSettingsCache(app);
  return dynamoHistoryStore(app.table, async () => (await settings.get()).retentionDays);
}

/** Recording only (one PutItem per call): the callback's history port. */
export function historyRecorder(app: App): Pick<HistoryStore, 'record'> {
  const settings = handoffSettingsCache(app);
  return dynamoHistoryRecorder(app.table, async () => (await settings.get()).retentionDays);
}

/** The callback's handoff ports: cached settings and the profile write of a request. */
export function handoffPorts(app: App) {
  const settings = handoffSettingsCache(app);
  return { settings: () => settings.get(), requests: dynamoHandoffRequests(app.table) };
}
