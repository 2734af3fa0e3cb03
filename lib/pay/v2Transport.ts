import { request as httpsRequest, type Agent } from 'node:https';
import { unknown, type UnknownOutcome } from './outcome';
import { networkReason } from './v3Transport';

/**
 * POSTs an APIv2 XML body. Over https with a TLS agent (the merchant certificate: sendredpack and
 * gethbinfo need mutual TLS) it uses node:https, because fetch cannot present a client certificate;
 * otherwise fetch (the plain-HTTP sandbox, tests).
 */
export interface V2TransportOptions {
  timeoutMs: number;
  fetch: typeof fetch;
  agent?: Agent;
}

export type V2Raw = { kind: 'answered'; status: number; body: string } | UnknownOutcome;

export async function postXml(url: string, xml: string, o: V2TransportOptions): Promise<V2Raw> {
  const signal = AbortSignal.timeout(o.timeoutMs);
  try {
    if (o.agent && url.startsWith('https:')) return await viaHttps(url, xml, o.agent, signal);
    const res = await o.fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: xml, redirect: 'error', signal });
    return { kind: 'answered', status: res.status, body: await res.text() };
  } catch (err) {
    const e = err as Error;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return unknown('timeout', `no answer within ${o.timeoutMs} ms`);
    return unknown('network', `network: ${networkReason(e)}`);
  }
}

function viaHttps(url: string, xml: string, agent: Agent, signal: AbortSignal): Promise<V2Raw> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: 'POST', agent, signal, headers: { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(xml) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ kind: 'answered', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(xml);
  });
}
