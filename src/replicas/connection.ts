/**
 * The connection the replicas' shared parts use (rule counters and faults, per-session scenarios, the journal,
 * coverage, session lifetime): a second ioredis client on the `--store` URL, beside the session store's own.
 * Why a second one: the store's connection carries its version checks and commits in order, and writes that
 * nobody waits for (the journal's XADD, coverage's HINCRBY) must not queue in front of them. It fails fast, like
 * the store's: a request never waits for a Redis that is down.
 *
 * Writes nobody awaits before answering are tracked (`background`), so an admin read can first wait for every
 * write this replica has already sent (`flush`): what this replica answered is in Redis before it is read back.
 * The writes an exchange makes once answered (its journal entry, its coverage count, its session's lifetime) are
 * queued (`queue`) and sent together as one pipeline (`send`, called by the exchange's last listener): one write to
 * the socket, made before the answer is written to the client's, so a read through another replica after the answer
 * arrives at Redis after them.
 */
import { Redis, type ChainableCommander } from 'ioredis';
import { clientOptions } from '../state/redis-store.js';
import { StoreError, StoreUnavailableError } from '../state/store-errors.js';

/** Every shared key starts with this (the session store's keys are `mockgate:s:…` and `mockgate:sessions`). */
export const SHARED_PREFIX = 'mockgate:';

/**
 * A script that deletes one kind of per-session key (`<prefix><kind>:<session>`: the journal's streams, coverage's
 * hashes) for one session or, given '', for every session in the set that lists them, and takes them off that set.
 * KEYS: the sessions set. ARGV: session ('' all), key prefix.
 */
export function clearPerSessionLua(kind: string): string {
  return `
local sessions = {ARGV[1]}
if ARGV[1] == '' then sessions = redis.call('SMEMBERS', KEYS[1]) end
for _, s in ipairs(sessions) do
  redis.call('DEL', ARGV[2] .. '${kind}:' .. s)
  redis.call('SREM', KEYS[1], s)
end
return 1
`;
}

export class SharedRedis {
  /** Writes sent and not yet acknowledged (the answer did not wait for them). */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Writes queued, not sent yet (see queue). */
  private batch: ChainableCommander | undefined;
  /** The last background failure, said once until a write succeeds again (not once per request). */
  private failing = false;
  private closing = false;

  private constructor(
    readonly redis: Redis,
    readonly url: string,
    private readonly onBackgroundFailure: (message: string) => void,
  ) {}

  static async connect(url: string, onBackgroundFailure: (message: string) => void): Promise<SharedRedis> {
    // No auto-pipelining (which defers a tick's commands to the next tick): a journal entry's XADD must be on the
    // socket to Redis before the answer is on the client's, so that a client reading the journal through another
    // replica right after its answer finds it (with it, test/redis/shared.test.ts once missed the last one).
    const redis = new Redis(clientOptions(url));
    // The store's connection reports outages; this one's are the same outage.
    redis.on('error', () => {});
    try {
      await redis.connect();
    } catch (err) {
      redis.disconnect();
      throw new StoreError(`--store ${url}: cannot reach Redis (${(err as Error).message}); start Redis there, or fix the URL`);
    }
    return new SharedRedis(redis, url, onBackgroundFailure);
  }

  /**
   * A Lua script, run by its SHA (ioredis sends EVALSHA, and the script itself on a NOSCRIPT): on the connection (a
   * promise of its answer) or added to a pipeline.
   */
  script(name: string, numberOfKeys: number, lua: string): <T extends Redis | ChainableCommander>(target: T, ...args: string[]) => T extends Redis ? Promise<unknown> : ChainableCommander {
    this.redis.defineCommand(name, { numberOfKeys, lua });
    return (target, ...args) => (target as unknown as Record<string, (...a: string[]) => never>)[name]!(...args);
  }

  /** A command whose failure is the request's: a StoreUnavailableError saying which Redis did not answer. */
  async call<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    try {
      return await command(this.redis);
    } catch (err) {
      throw new StoreUnavailableError(`the session store (Redis, --store ${this.url}) did not answer: ${(err as Error).message}`);
    }
  }

  /** A write the answer does not wait for, sent now; flush() waits for it. A failure is logged (once per outage). */
  background(command: (redis: Redis) => Promise<unknown>): void {
    let sent: Promise<unknown>;
    try {
      sent = command(this.redis);
    } catch (err) {
      sent = Promise.reject(err);
    }
    this.track(sent);
  }

  /**
   * A write the answer does not wait for, sent with the others queued until send() — which the exchange's last
   * listener calls, before its answer goes out — or at the next tick at the latest.
   */
  queue(command: (pipeline: ChainableCommander) => void): void {
    if (!this.batch) {
      this.batch = this.redis.pipeline();
      process.nextTick(() => this.send());
    }
    command(this.batch);
  }

  /** Sends the writes queued, as one pipeline. */
  send(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    this.track(
      batch.exec().then((results) => {
        const failed = results?.find(([err]) => err);
        if (failed) throw failed[0];
      }),
    );
  }

  private track(sent: Promise<unknown>): void {
    const tracked = sent.then(
      () => {
        this.failing = false;
      },
      (err: unknown) => {
        if (!this.failing && !this.closing) this.onBackgroundFailure((err as Error).message);
        this.failing = true;
      },
    );
    this.inFlight.add(tracked);
    void tracked.then(() => this.inFlight.delete(tracked));
  }

  /** Waits until every background write sent or queued so far is acknowledged (or failed). */
  async flush(): Promise<void> {
    this.send();
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    this.closing = true;
    try {
      await this.flush();
    } finally {
      this.redis.disconnect();
    }
  }
}
