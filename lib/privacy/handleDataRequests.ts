import type { Clock } from '../clock/clock';
import { notFound, ok, type Result } from '../result';
import type { Table } from '../store/dynamo';
import { eraseMember, type EraseResult } from './eraseMember';
import { exportMember } from './exportMember';
import type { ErasurePorts } from './family';

type PrivacyPorts = { table: Table; clock: Clock; pay: ErasurePorts['pay'] };

/** Everything we hold about one member, for a data-access request. */
export async function exportMemberData(ports: Pick<PrivacyPorts, 'table' | 'clock'>, openid: string): Promise<Result<Record<string, unknown>>> {
  const exported = await exportMember(ports.table, openid, ports.clock.now());
  return exported ? ok(exported) : notFound(`member ${openid} not found`);
}

/** How long to wait before sending an incomplete erasure again. */
const RETRY_ERASURE_AFTER_SECONDS = 5;

/** Erases a member on an operator's request; an incomplete erasure is unavailable for now, and the same request again resumes it. */
export async function eraseMemberOnRequest(ports: PrivacyPorts, openid: string): Promise<Result<Extract<EraseResult, { status: 'erased' }>>> {
  const r = await eraseMember(ports, openid, ports.clock.now(), 'admin-api');
  switch (r.status) {
    case 'erased':
      return ok(r);
    case 'not-found':
      return notFound(`member ${openid} not found`);
    case 'incomplete':
      return {
        ok: false,
        error: {
          kind: 'unavailable',
          message: `erasure incomplete: ${r.failed.map((f) => `${f.step} failed (${f.detail ?? f.error})`).join(', ')}; send the same DELETE again to finish it`,
          details: { ...r },
          retryAfterSeconds: RETRY_ERASURE_AFTER_SECONDS,
        },
      };
  }
}
