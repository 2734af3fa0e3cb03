import { createPrivateKey, createPublicKey } from 'node:crypto';
import { Agent } from 'node:https';
import { withPayDefaults, type PayConfig, type PayConfigInput } from './config';
import { openPayNotification, type PayNotification, type PayNotificationInput } from './notification';
import type { CreateTransferBillResult, QueryRedpackResult, QueryTransferBillResult, SendRedpackResult } from './outcome';
import { queryRedpack, sendRedpack, type RedpackInput } from './redpack';
import { createTransferBill, queryTransferBill, type TransferBillInput } from './transferBills';
import { postXml } from './v2Transport';
import { createV3Transport } from './v3Transport';

/**
 * The WeChat Pay client for red-packet payouts: merchant transfers (APIv3, public-key mode) and
 * classic cash red packets (APIv2). Every method answers with a value, never throws for a remote
 * failure; see outcome.ts for what each kind obliges the caller to do.
 */
export interface PayClient {
  readonly config: Readonly<PayConfig>;
  createTransferBill(input: TransferBillInput): Promise<CreateTransferBillResult>;
  queryTransferBill(outBillNo: string): Promise<QueryTransferBillResult>;
  /** Verifies and decrypts a callback; pass the raw body string. */
  openPayNotification(input: PayNotificationInput): PayNotification;
  sendRedpack(input: RedpackInput): Promise<SendRedpackResult>;
  queryRedpack(mchBillno: string): Promise<QueryRedpackResult>;
}

export function createPayClient(input: PayConfigInput): PayClient {
  const config = withPayDefaults(input);
  // Parsed once: a bad key fails at start-up, not on the first payout.
  const merchantKey = createPrivateKey(config.merchantPrivateKeyPem);
  const platform = { publicKeyId: config.platformPublicKeyId, publicKey: createPublicKey(config.platformPublicKeyPem) };
  const now = config.clock ?? Date.now;
  const doFetch = config.fetch ?? fetch;
  const call = createV3Transport({
    baseUrl: config.baseUrl,
    mchid: config.mchid,
    merchantSerial: config.merchantSerial,
    merchantKey,
    platform,
    timeoutMs: config.timeoutMs,
    now,
    fetch: doFetch,
  });
  const v2Agent =
    config.v2Agent ?? (config.merchantCertPem ? new Agent({ cert: config.merchantCertPem, key: config.merchantPrivateKeyPem, keepAlive: true }) : undefined);
  const redpackDeps = {
    post: (path: string, xml: string) => postXml(config.baseUrl + path, xml, { timeoutMs: config.timeoutMs, fetch: doFetch, agent: v2Agent }),
    mchid: config.mchid,
    appid: config.appid,
    v2Key: config.v2Key,
    clientIp: config.clientIp,
  };
  const transferDeps = {
    call,
    appid: config.appid,
    notifyUrl: config.notifyUrl,
    platformPublicKeyId: platform.publicKeyId,
    platformPublicKey: platform.publicKey,
  };

  return {
    config,
    createTransferBill: (bill) => createTransferBill(bill, transferDeps),
    queryTransferBill: (outBillNo) => queryTransferBill(outBillNo, transferDeps),
    openPayNotification: (n) => openPayNotification(n, platform, config.apiV3Key, now()),
    sendRedpack: (packet) => sendRedpack(packet, redpackDeps),
    queryRedpack: (mchBillno) => queryRedpack(mchBillno, redpackDeps),
  };
}
