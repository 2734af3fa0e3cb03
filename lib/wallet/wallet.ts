import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from '../store/dynamo';
import { TRANSFER_MIN_FEN, TRANSFER_WITHOUT_NAME_MAX_FEN } from '../pay/transferLimits';
import {
  decodeWalletBalance,
  decodeWalletEntry,
  memberPk,
  OPEN_PAYOUTS,
  payoutKey,
  transactWrite,
  WALLET_ENTRY_PREFIX,
  walletEntryKey,
  walletKey,
} from '../table';

/** A member's red-packet wallet, in fen: credited by grabs in wallet mode, emptied by withdrawals. */
export interface Wallet {
  balanceFen: number;
  creditedFen: number;
  withdrawnFen: number;
  entries: { at: string; deltaFen: number; reason: string; ref: string }[];
}

export interface WalletPolicy {
  /** A withdrawal needs at least this much (transfer bills start at 10 fen). */
  withdrawMinFen: number;
}

export const DEFAULT_WALLET_POLICY: WalletPolicy = { withdrawMinFen: 100 };

export type WithdrawResult =
  | { status: 'created'; ref: string; amountFen: number }
  | { status: 'duplicate'; ref: string }
  | { status: 'below-threshold'; balanceFen: number; withdrawMinFen: number }
  | { status: 'insufficient'; balanceFen: number }
  /** More than a transfer without the payee's real name may carry (the whole balance, when no amount was given). */
  | { status: 'above-limit'; amountFen: number; maxFen: number };

/** The transfer's out_bill_no for a withdrawal: derived from the request, so a retried request never pays twice. */
export const withdrawalRef = (openid: string, idempotencyKey: string) =>
  `WD${createHash('sha256').update(`${openid}\n${idempotencyKey}`).digest('hex').slice(0, 30)}`;

export function dynamoWallet(table: Table) {
  const T = table.name;
  return {
    async get(openid: string, limit = 50): Promise<Wallet> {
      const [w, entries] = await Promise.all([
        table.doc.send(new GetCommand({ TableName: T, Key: walletKey(openid), ConsistentRead: true })),
        limit > 0
          ? table.doc.send(
              new QueryCommand({
                TableName: T,
                KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
                ExpressionAttributeValues: { ':pk': memberPk(openid), ':p': WALLET_ENTRY_PREFIX },
                ScanIndexForward: false,
                Limit: limit,
              }),
            )
          : { Items: [] },
      ]);
      return { ...decodeWalletBalance(w.Item), entries: (entries.Items ?? []).map(decodeWalletEntry) };
    },

    /**
     * Moves `amountFen` (default: the whole balance) out of the wallet into a transfer order, in one
     * transaction; the payout worker sends it. The balance never goes below zero, and the amount stays
     * inside what a transfer bill accepts without the payee's real name (0.10 to 1,999.99 CNY).
     */
    async withdraw(openid: string, policy: WalletPolicy, idempotencyKey: string, nowMs: number, amountFen?: number): Promise<WithdrawResult> {
      const ref = withdrawalRef(openid, idempotencyKey);
      const existing = await table.doc.send(new GetCommand({ TableName: T, Key: payoutKey(ref), ConsistentRead: true }));
      if (existing.Item) return { status: 'duplicate', ref };
      const { balanceFen } = await this.get(openid, 0);
      const amount = amountFen ?? balanceFen;
      const minFen = Math.max(policy.withdrawMinFen, TRANSFER_MIN_FEN);
      if (amount < minFen) return { status: 'below-threshold', balanceFen, withdrawMinFen: minFen };
      if (amount > TRANSFER_WITHOUT_NAME_MAX_FEN) return { status: 'above-limit', amountFen: amount, maxFen: TRANSFER_WITHOUT_NAME_MAX_FEN };
      if (amount > balanceFen) return { status: 'insufficient', balanceFen };
      const at = new Date(nowMs).toISOString();
      const written = await transactWrite(table, {
        balance: {
          Update: {
            Key: walletKey(openid),
            UpdateExpression: 'ADD balanceFen :neg, withdrawnFen :amt SET updatedAt = :at',
            ConditionExpression: 'balanceFen >= :amt',
            ExpressionAttributeValues: { ':neg': -amount, ':amt': amount, ':at': at },
          },
        },
        entry: {
          Put: {
            Item: { ...walletEntryKey(openid, at, ref), deltaFen: -amount, reason: 'withdrawal', ref, at },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        order: {
          Put: {
            Item: {
              ...payoutKey(ref),
              ref,
              mode: 'transfer',
              source: 'withdrawal',
              openid,
              amountFen: amount,
              campaignName: '红包钱包提现',
              state: 'pending',
              attempts: 0,
              createdAt: at,
              updatedAt: at,
              gsi1pk: OPEN_PAYOUTS,
              gsi1sk: at,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      });
      if (written.status === 'written') return { status: 'created', ref, amountFen: amount };
      if (written.failed.has('order')) return { status: 'duplicate', ref };
      return { status: 'insufficient', balanceFen: (await this.get(openid, 0)).balanceFen };
    },

    /** A withdrawal whose transfer failed for good or was cancelled: the money goes back to the wallet, once. */
    async refund(
      openid: string | undefined,
      ref: string,
      amountFen: number,
      nowMs: number,
      reason: 'withdrawal failed' | 'withdrawal cancelled' = 'withdrawal failed',
    ): Promise<boolean> {
      // An erased member's order has no openid (lib/payouts/payoutErasure.ts): there is no wallet to refund to.
      if (!openid) return false;
      const at = new Date(nowMs).toISOString();
      const written = await transactWrite(table, {
        balance: {
          Update: {
            Key: walletKey(openid),
            UpdateExpression: 'ADD balanceFen :amt, withdrawnFen :neg SET updatedAt = :at',
            ExpressionAttributeValues: { ':neg': -amountFen, ':amt': amountFen, ':at': at },
          },
        },
        entry: { Put: { Item: { ...walletEntryKey(openid, at, `${ref}R`), deltaFen: amountFen, reason, ref, at } } },
        order: {
          Update: {
            Key: payoutKey(ref),
            UpdateExpression: 'SET refundedAt = :at',
            ConditionExpression: 'attribute_not_exists(refundedAt)',
            ExpressionAttributeValues: { ':at': at },
          },
        },
      });
      return written.status === 'written';
    },
  };
}

export type WalletStore = ReturnType<typeof dynamoWallet>;
