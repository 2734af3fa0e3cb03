/**
 * Durable dedup of WeChat pushes. The first delivery claims the key and later stores its reply;
 * a retry either finds the stored reply or finds the claim still pending (the first delivery is
 * still running) and must not run the effects again.
 */
export type DedupState = { status: 'absent' } | { status: 'pending' } | { status: 'done'; reply: string };
export type Claim = { status: 'claimed' } | Exclude<DedupState, { status: 'absent' }>;

export interface DedupStore {
  claim(key: string, nowMs: number): Promise<Claim>;
  complete(key: string, reply: string, nowMs: number): Promise<void>;
  /** Gives up a claim whose work failed, so WeChat's next retry can run it. */
  release(key: string): Promise<void>;
  read(key: string): Promise<DedupState>;
}
