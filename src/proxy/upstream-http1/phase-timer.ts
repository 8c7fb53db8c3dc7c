/**
 * A reusable unref'd timer owned by one connection: arming with the same duration refreshes the same Timeout
 * (no allocation per request); disarming only clears a flag, so a stale expiry finds it disarmed and does nothing.
 */
export class PhaseTimer<Owner> {
  readonly owner: Owner;
  readonly onExpire: (owner: Owner) => void;
  timer: NodeJS.Timeout | null = null;
  ms = 0;
  armed = false;

  constructor(owner: Owner, onExpire: (owner: Owner) => void) {
    this.owner = owner;
    this.onExpire = onExpire;
  }

  /** Expires `ms` from now; 0 or less (or Infinity) leaves it disarmed. */
  arm(ms: number): void {
    if (!(ms > 0 && ms < 2 ** 31)) {
      this.armed = false;
      return;
    }
    this.armed = true;
    if (this.timer !== null && this.ms === ms) {
      this.timer.refresh();
      return;
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.ms = ms;
    this.timer = setTimeout(expire, ms, this);
    this.timer.unref();
  }

  /** Pushes an armed timer's expiry to `ms` from now. */
  refresh(): void {
    if (this.armed) this.timer!.refresh();
  }

  disarm(): void {
    this.armed = false;
  }

  stop(): void {
    this.armed = false;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}

function expire<Owner>(timer: PhaseTimer<Owner>): void {
  if (!timer.armed) return;
  timer.armed = false;
  timer.onExpire(timer.owner);
}
