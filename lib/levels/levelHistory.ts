import type { Table } from '../store/dynamo';
import { memberItemsPage } from '../store/memberItemsPage';
import { LEVEL_HISTORY_PREFIX } from '../table';

/** One level change, as lib/levels/upgrade.ts records it beside the points change that caused it. */
export interface LevelChange {
  at: string;
  from: string;
  to: string;
}

export interface LevelHistoryPage {
  changes: LevelChange[];
  cursor?: string;
}

export interface LevelHistoryStore {
  /** A member's level changes, newest first. */
  list(openid: string, opts: { limit: number; cursor?: string }): Promise<LevelHistoryPage>;
}

/** The level-history items live in the member's partition (`LEVEL#<at>`), so one query reads them in order. */
export function dynamoLevelHistory(table: Table): LevelHistoryStore {
  return {
    async list(openid, opts) {
      const page = await memberItemsPage(table, openid, LEVEL_HISTORY_PREFIX, opts);
      return {
        changes: page.items.map((i) => ({ at: String(i.at), from: String(i.from), to: String(i.to) })),
        ...(page.cursor ? { cursor: page.cursor } : {}),
      };
    },
  };
}
