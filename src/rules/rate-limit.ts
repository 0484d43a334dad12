/**
 * Rate limiters for rules: a fixed window (N calls per window, reset at the window's end) or a token
 * bucket (capacity N, refilled continuously at N per window). Both report what the RateLimit-* headers
 * need: the limit, what remains, and seconds until the budget is back.
 */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the counter resets (fixed window) or a token is back (bucket), rounded up, ≥ 1 when blocked. */
  resetSeconds: number;
}

export interface RateCounter {
  take(nowMs: number): RateDecision;
}

export class FixedWindow implements RateCounter {
  private windowStart = -Infinity;
  private used = 0;
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  take(nowMs: number): RateDecision {
    if (nowMs - this.windowStart >= this.windowMs) {
      this.windowStart = nowMs;
      this.used = 0;
    }
    const resetSeconds = Math.max(1, Math.ceil((this.windowStart + this.windowMs - nowMs) / 1000));
    if (this.used >= this.limit) return { allowed: false, limit: this.limit, remaining: 0, resetSeconds };
    this.used += 1;
    return { allowed: true, limit: this.limit, remaining: this.limit - this.used, resetSeconds };
  }
}

export class TokenBucket implements RateCounter {
  private tokens: number;
  private last: number | undefined;
  private readonly refillPerMs: number;
  constructor(
    private readonly capacity: number,
    windowMs: number,
  ) {
    this.tokens = capacity;
    this.refillPerMs = capacity / windowMs;
  }

  take(nowMs: number): RateDecision {
    if (this.last !== undefined) this.tokens = Math.min(this.capacity, this.tokens + (nowMs - this.last) * this.refillPerMs);
    this.last = nowMs;
    if (this.tokens < 1) {
      const wait = Math.max(1, Math.ceil((1 - this.tokens) / this.refillPerMs / 1000));
      return { allowed: false, limit: this.capacity, remaining: 0, resetSeconds: wait };
    }
    this.tokens -= 1;
    const untilFull = Math.ceil((this.capacity - this.tokens) / this.refillPerMs / 1000);
    return { allowed: true, limit: this.capacity, remaining: Math.floor(this.tokens), resetSeconds: untilFull };
  }
}
