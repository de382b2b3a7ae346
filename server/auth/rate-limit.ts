// Login rate limit: at most 5 failed sign-ins per minute per account and per client address; the
// next attempt inside the window is refused before the password is even checked. In-memory
// sliding window (one server process owns sign-in; with several processes behind a balancer,
// move these counters into the database or use sticky sessions).
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 60_000;

export class RateLimiter {
  private hits = new Map<string, number[]>();
  constructor(
    private readonly max = LOGIN_MAX_FAILURES,
    private readonly windowMs = LOGIN_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) this.hits.set(key, list);
    else this.hits.delete(key);
    return list;
  }

  /** True when any of the keys has reached the limit inside the window. */
  isBlocked(...keys: string[]): boolean {
    return keys.some((k) => this.recent(k).length >= this.max);
  }

  recordFailure(...keys: string[]): void {
    const t = this.now();
    for (const k of keys) this.hits.set(k, [...this.recent(k), t]);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }
}

type G = typeof globalThis & { __axillaLoginLimiter?: RateLimiter };
/** The process-wide login limiter. */
export function loginLimiter(): RateLimiter {
  const g = globalThis as G;
  g.__axillaLoginLimiter ??= new RateLimiter();
  return g.__axillaLoginLimiter;
}

export const RATE_LIMIT_MESSAGE = "Too many failed sign-in attempts. Please wait a minute and try again.";
