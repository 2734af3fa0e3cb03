import { DEFAULT_LEVELS, type Level } from '../levels/levels';
import { dynamoPointsLedger } from '../members/dynamoPointsLedger';
import { DEFAULT_EXPIRY_POLICY, type ExpiryPolicy } from '../members/pointLots';
import { DEFAULT_SIGNIN_RULES, type SignInRules } from '../signin/signIn';
import { cacheFor } from '../store/cacheFor';
import { configDocument } from '../store/configDocument';
import { dynamoStatsStore } from '../stats/dynamoStatsStore';
import { countingLedger } from '../stats/recordStats';
import type { Runtime } from './runtime';

/** Configuration read by hot paths is cached this long per container. */
export const CONFIG_CACHE_MS = 5_000;

export function levelsDocument(rt: Runtime) {
  return configDocument<Level[]>(rt.table, 'LEVELS', DEFAULT_LEVELS);
}

export function expiryPolicyDocument(rt: Runtime) {
  return configDocument<ExpiryPolicy>(rt.table, 'POINTS_POLICY', DEFAULT_EXPIRY_POLICY);
}

export function signInRulesDocument(rt: Runtime) {
  return configDocument<SignInRules>(rt.table, 'SIGNIN', DEFAULT_SIGNIN_RULES);
}

/** Ports of the points, levels and sign-in use cases, wired to DynamoDB. */
export function crmPorts(rt: Runtime) {
  const levels = cacheFor(CONFIG_CACHE_MS, () => levelsDocument(rt).get(), rt.clock);
  const signInRules = cacheFor(CONFIG_CACHE_MS, () => signInRulesDocument(rt).get(), rt.clock);
  const expiryPolicy = cacheFor(CONFIG_CACHE_MS, () => expiryPolicyDocument(rt).get(), rt.clock);
  return {
    ledger: countingLedger(dynamoPointsLedger(rt.table), dynamoStatsStore(rt.table), rt.config.timeZone),
    levels: () => levels.get(),
    rules: () => signInRules.get(),
    expiryPolicy: () => expiryPolicy.get(),
    clock: rt.clock,
    timeZone: rt.config.timeZone,
  };
}
