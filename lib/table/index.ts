/**
 * The table's shape in one place: every key builder, every item type with its codec, and the
 * helpers every adapter writes with (update expressions, named transactions, key stripping).
 * One file per capability; this index lists them.
 */
export * from './codec';
export * from './update';
export * from './transaction';
export * from './itemType';
export * from './itemTypes';
export * from './members';
export * from './segments';
export * from './serviceEvents';
export * from './coupons';
export * from './wallet';
export * from './redpackets';
export * from './payouts';
export * from './broadcasts';
export * from './imports';
export * from './conversation';
export * from './history';
export * from './activity';
export * from './privacy';
export * from './config';
export * from './audit';
export * from './approvals';
