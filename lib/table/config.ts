import type { Rule } from '../autoreply/rule';
import type { MenuDefinition } from '../menu/menu';
import { blob, decode, isString, opt, req, type Check, type RawItem } from './codec';
import type { ItemType } from './itemType';

/** Small configuration documents (levels, sign-in rules…): `CONFIG#<name>` / `<name>`, the value whole. */
export const configDocumentKey = (name: string) => ({ pk: `CONFIG#${name}`, sk: name });

/** A value our own typed writer stored (JSON of any shape): present is all that is checked. */
const stored =
  <T>(): Check<T> =>
  (v): v is T =>
    v !== undefined && v !== null;

/** The value a configuration document holds (undefined when there is none yet). */
export function decodeConfigValue<T>(item: RawItem | undefined): T | undefined {
  return item ? decode(item, { value: opt(stored<T>()) }, 'configuration document').value : undefined;
}

/** The WeChat access token and the lease that lets one process refresh it. */
export const ACCESS_TOKEN_KEY = { pk: 'CONFIG#ACCESS_TOKEN', sk: 'TOKEN' };
export const ACCESS_TOKEN_LEASE_KEY = { pk: 'CONFIG#ACCESS_TOKEN', sk: 'LEASE' };

/** The custom menu, as edited and as last published. */
export const MENU_KEY = { pk: 'CONFIG#MENU', sk: 'MENU' };
export function decodeMenu(item: RawItem): { menu: MenuDefinition; updatedAt: string; publishedAt?: string } {
  const m = decode(item, { menu: req(blob<MenuDefinition>()), updatedAt: req(isString), publishedAt: opt(isString) }, 'menu');
  return { menu: m.menu, updatedAt: m.updatedAt, publishedAt: m.publishedAt };
}

/** Auto-reply rules: one partition, one item per rule. */
export const AUTOREPLY_PK = 'CONFIG#AUTOREPLY';
export const autoreplyRuleKey = (id: string) => ({ pk: AUTOREPLY_PK, sk: id });
export function decodeRule(item: RawItem): Rule {
  return decode(item, { rule: req(blob<Rule>()) }, 'auto-reply rule').rule;
}

/** The marker that the demo configuration was loaded once. */
export const DEMO_SEED_KEY = { pk: 'CONFIG#SEED', sk: 'DEMO' };

export const configItemTypes = (): readonly ItemType[] => [
  { name: 'configuration document', key: 'CONFIG#<name> / <name>', names: [], example: configDocumentKey('LEVELS'), writtenBy: 'lib/store/configDocument.ts' },
  { name: 'access token', key: 'CONFIG#ACCESS_TOKEN / TOKEN | LEASE', names: [], example: ACCESS_TOKEN_KEY, writtenBy: 'lib/wechat/dynamoTokenStore.ts' },
  { name: 'menu', key: 'CONFIG#MENU / MENU', names: [], example: MENU_KEY, writtenBy: 'lib/menu/menuStore.ts' },
  { name: 'auto-reply rule', key: 'CONFIG#AUTOREPLY / <id>', names: [], example: autoreplyRuleKey('r'), writtenBy: 'lib/autoreply/ruleStore.ts' },
  { name: 'demo seed marker', key: 'CONFIG#SEED / DEMO', names: [], example: DEMO_SEED_KEY, writtenBy: 'lib/setup/loadDemoConfig.ts' },
];
