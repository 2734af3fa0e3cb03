import { t } from '../i18n';

/** A span of time as an agent reads it at a glance: "2 天 3 小时", "5 小时 12 分", "7 分钟". */
export function duration(seconds: number): string {
  const minutes = Math.max(0, Math.floor(seconds / 60));
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (days > 0) return t('durationDays', { d: days, h: hours % 24 });
  if (hours > 0) return t('durationHours', { h: hours, m: minutes % 60 });
  return t('durationMinutes', { m: minutes });
}
