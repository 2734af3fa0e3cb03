import { decode, isString, req, type RawItem } from './codec';
import type { ItemType } from './itemType';
import { memberPk } from './members';

/**
 * Erasures: the audit trail (`AUDIT#ERASURE` / `<startedAt>#<erasure id>`, pseudonymous) and the
 * marker of an erasure under way, in the member's partition (deleted with the profile).
 */
export const ERASURE_AUDIT_PK = 'AUDIT#ERASURE';
export const erasureAuditKey = (auditSk: string) => ({ pk: ERASURE_AUDIT_PK, sk: auditSk });
export const ERASURE_MARKER_SK = 'ERASURE';
export const erasureMarkerKey = (openid: string) => ({ pk: memberPk(openid), sk: ERASURE_MARKER_SK });

export function decodeErasureMarker(item: RawItem): { erasureId: string; auditSk: string; startedAt: string } {
  const m = decode(item, { erasureId: req(isString), auditSk: req(isString), startedAt: req(isString) }, 'erasure marker');
  return { erasureId: m.erasureId, auditSk: m.auditSk, startedAt: m.startedAt };
}

export const privacyItemTypes = (): readonly ItemType[] => [
  {
    name: 'erasure marker',
    key: 'MEMBER#<openid> / ERASURE',
    names: ['openid'],
    example: erasureMarkerKey('o'),
    writtenBy: 'lib/privacy/eraseMember.ts (an erasure under way)',
  },
  {
    name: 'erasure audit entry',
    key: 'AUDIT#ERASURE / <startedAt>#<erasure id>',
    names: [],
    example: erasureAuditKey('2026-01-01T00:00:00.000Z#e'),
    writtenBy: 'lib/privacy/eraseMember.ts (pseudonym only)',
  },
];
