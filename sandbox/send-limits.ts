/**
 * The limits WeChat puts on outbound messages, on the sandbox clock: template/send calls a day,
 * mass messages a follower receives a month, and calls a second over the three send endpoints.
 * Days and months are Asia/Shanghai's (UTC+8, no daylight saving), as WeChat counts them.
 * `POST /sandbox/limits` changes the settings at runtime; `reset()` restores the sandbox's options.
 */
export interface LimitSettings {
  /** template/send calls a day before 45009. */
  templateDailyQuota: number;
  /** Mass messages a follower receives a calendar month; more are filtered out of a mass send. */
  massMonthlyQuota: number;
  /** Calls a second over custom/send, template/send and mass/send before 45011; 0 = no limit. */
  sendRatePerSecond: number;
  /** Whether TEMPLATESENDJOBFINISH / MASSSENDJOBFINISH are posted to the callback. */
  jobEvents: boolean;
}

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const MAX_COUNT = 1_000_000_000;

/** `YYYY-MM-DD` of a sandbox instant in Asia/Shanghai. */
export function shanghaiDay(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** `YYYY-MM` of a sandbox instant in Asia/Shanghai. */
export function shanghaiMonth(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 7);
}

export class SendLimits {
  settings: LimitSettings;
  /** day → template sends. */
  private templatesByDay = new Map<string, number>();
  /** month → openid → mass messages received. */
  private massByMonth = new Map<string, Map<string, number>>();
  private second = { at: Number.NaN, calls: 0 };

  constructor(
    private readonly defaults: LimitSettings,
    private readonly now: () => number,
  ) {
    this.settings = { ...defaults };
  }

  reset(): void {
    this.settings = { ...this.defaults };
    this.templatesByDay.clear();
    this.massByMonth.clear();
    this.second = { at: Number.NaN, calls: 0 };
  }

  /** Counts one send call in the current second; false (45011) when the ceiling is reached, and that call is not counted. */
  admitSendCall(): boolean {
    const at = Math.floor(this.now() / 1000);
    if (at !== this.second.at) this.second = { at, calls: 0 };
    if (this.settings.sendRatePerSecond > 0 && this.second.calls >= this.settings.sendRatePerSecond) return false;
    this.second.calls++;
    return true;
  }

  templatesToday(): number {
    return this.templatesByDay.get(shanghaiDay(this.now())) ?? 0;
  }

  templateQuotaReached(): boolean {
    return this.templatesToday() >= this.settings.templateDailyQuota;
  }

  countTemplate(): void {
    const day = shanghaiDay(this.now());
    this.templatesByDay.set(day, (this.templatesByDay.get(day) ?? 0) + 1);
  }

  massReceivedThisMonth(openid: string): number {
    return this.massByMonth.get(shanghaiMonth(this.now()))?.get(openid) ?? 0;
  }

  hasMassQuota(openid: string): boolean {
    return this.massReceivedThisMonth(openid) < this.settings.massMonthlyQuota;
  }

  countMass(openid: string): void {
    const month = shanghaiMonth(this.now());
    let counts = this.massByMonth.get(month);
    if (!counts) {
      counts = new Map();
      this.massByMonth.set(month, counts);
    }
    counts.set(openid, (counts.get(openid) ?? 0) + 1);
  }

  /** What `GET /sandbox/limits` shows: the settings and today's usage. */
  view() {
    const now = this.now();
    const second = Math.floor(now / 1000);
    return {
      limits: { ...this.settings },
      usage: {
        day: shanghaiDay(now),
        templatesToday: this.templatesToday(),
        month: shanghaiMonth(now),
        massThisMonth: Object.fromEntries(this.massByMonth.get(shanghaiMonth(now)) ?? []),
        second,
        sendCallsThisSecond: this.second.at === second ? this.second.calls : 0,
      },
    };
  }

  /** Applies `POST /sandbox/limits`: any of the four settings; nothing changes when one is bad. */
  update(body: unknown): { ok: true } | { ok: false; error: string } {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return { ok: false, error: 'body must be a JSON object like {"templateDailyQuota": 10}' };
    const next = { ...this.settings };
    for (const [key, value] of Object.entries(body)) {
      switch (key) {
        case 'templateDailyQuota':
        case 'massMonthlyQuota':
        case 'sendRatePerSecond':
          if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > MAX_COUNT)
            return { ok: false, error: `"${key}" must be a whole number from 0 to ${MAX_COUNT}` };
          next[key] = value as number;
          break;
        case 'jobEvents':
          if (typeof value !== 'boolean') return { ok: false, error: '"jobEvents" must be true or false' };
          next.jobEvents = value;
          break;
        default:
          return { ok: false, error: `unknown limit ${JSON.stringify(key)}: use templateDailyQuota, massMonthlyQuota, sendRatePerSecond or jobEvents` };
      }
    }
    this.settings = next;
    return { ok: true };
  }
}
