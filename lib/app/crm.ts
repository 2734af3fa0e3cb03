import { DEFAULT_LEVELS, type Level } from '../levels/levels';
import { dynamoPointsLedger } from '../members/dynamoPointsLedger';
import { DEFAULT_EXPIRY_POLICY, type ExpiryPolicy } from '../members/pointLots';
import { DEFAULT_SIGNIN_RULES, type SignInRules } from '../signin/signIn';
import { cacheFor } from '../store/cacheFor';
import { configDocument } from '../store/configDocument';
import { dynamoStatsStore } from '../stats/dynamoStatsStore';
import { countingLedger } from '../stats/recordStats';
import type { App } from './createApp';

/** Configuration read by hot paths is cached this long per container. */
export const CONFIG_CACHE_MS = 5_000;

export function levelsDocument(app: App) {
  return configDocument<Level[]>(app.table, 'LEVELS', DEFAULT_LEVELS);
}

export function expiryPolicyDocument(app: App) {
  return configDocument<ExpiryPolicy>(app.table, 'POINTS_POLICY', DEFAULT_EXPIRY_POLICY);
}

export function signInRulesDocument(app: App) {
  return configDocument<SignInRules>(app.table, 'SIGNIN', DEFAULT_SIGNIN_RULES);
}

/** Ports of the points, levels and sign-in use cases, wired to DynamoDB. */
export function crmPorts(app: App) {
  const levels = cacheFor(CONFIG_CACHE_MS, () => levelsDocument(app).get(), app.clock);
  const signInRules = cacheFor(CONFIG_CACHE_MS, () => signInRulesDocument(app).get(), app.clock);
  const expiryPolicy = cacheFor(CONFIG_CACHE_MS, () => expiryPolicyDocument(app).get(), app.clock);
  return {
    ledger: countingLedger(dynamoPointsLedger(app.table), dynamoStatsStore(app.table), app.config.timeZone),
    levels: () => levels.get(),
    rules: () => signInRules.get(),
    expiryPolicy: () => expiryPolicy.get(),
    clock: app.clock,
    timeZone: app.config.timeZone,
  };
}
