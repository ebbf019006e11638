/**
 * A broker's log disk behind the OS page cache. Appends land in the page
 * cache at once and the disk writes them out in order at its bandwidth (a
 * one-server service-time queue). Two things follow, as on Linux:
 *
 * - what the disk has not written yet is lost by a power loss: the OS's
 *   periodic write-back can make durable only what the disk has written;
 * - once more than `dirtyLimitMB` waits for the disk, a writer waits until the
 *   disk is back under it (balance_dirty_pages), so a slow disk is hidden by
 *   the page cache until it fills, then slows every write.
 *
 * A slow-disk fault lowers the bandwidth while it lasts; the slowest active
 * one applies, and the writes still queued are re-timed at the new speed.
 */
import { ServiceQueue } from "./resources";

const MB = 1024 * 1024;

export class PageCache {
  private readonly disk = new ServiceQueue(1);
  private bytesPerMs: number;
  private readonly slowMBps: number[] = [];
  /** Appends the disk has not written yet, oldest first: when it will have, the partition, and its log end before the append. */
  private doneAt = new Float64Array(256);
  private pid = new Int32Array(256);
  private base = new Float64Array(256);
  private head = 0;
  private tail = 0;
  /** When the last write() may go on (0: at once): the writer waited for the disk to get back under the dirty limit. */
  blockedUntil = 0;

  constructor(
    readonly diskMBps: number,
    readonly dirtyLimitMB: number,
  ) {
    this.bytesPerMs = (diskMBps * MB) / 1000;
  }

  /** The disk's bandwidth now, MB/s. */
  get currentMBps(): number {
    return this.slowMBps.length === 0 ? this.diskMBps : Math.min(this.diskMBps, ...this.slowMBps);
  }

  /** Bytes in the page cache the disk has not written yet. */
  dirtyBytes(now: number): number {
    return this.disk.backlogMs(now) * this.bytesPerMs;
  }

  /**
   * `bytes` are written to the page cache at `now`: returns when the disk will have written them
   * (an fsync waits for that), and sets `blockedUntil`.
   */
  write(now: number, bytes: number): number {
    while (this.head < this.tail && this.doneAt[this.head]! <= now) this.head++;
    const done = this.disk.serve(now, bytes / this.bytesPerMs);
    const unblock = done - (this.dirtyLimitMB * MB) / this.bytesPerMs;
    this.blockedUntil = unblock > now ? unblock : 0;
    return done;
  }

  /** Partition `pid`'s log grew from `base` by a write the disk finishes at `doneAt`. */
  note(doneAt: number, pid: number, base: number): void {
    if (this.tail === this.doneAt.length) this.compact();
    this.doneAt[this.tail] = doneAt;
    this.pid[this.tail] = pid;
    this.base[this.tail] = base;
    this.tail++;
  }

  /**
   * The OS writes dirty pages back at `now`: calls `written(pid, upTo)` for every partition with
   * writes the disk has not finished, `upTo` being where the first of them starts (the log is durable
   * below it); a partition not named is durable to its log end.
   */
  writeBack(now: number, written: (pid: number, upTo: number) => void): void {
    while (this.head < this.tail && this.doneAt[this.head]! <= now) this.head++;
    if (this.head === this.tail) {
      this.head = this.tail = 0;
      return;
    }
    const told = new Set<number>();
    for (let i = this.head; i < this.tail; i++) {
      const pid = this.pid[i]!;
      if (told.has(pid)) continue;
      told.add(pid);
      written(pid, this.base[i]!);
    }
  }

  /** A power loss: what the page cache held is gone, and the disk has nothing left to write. */
  lose(): void {
    this.head = this.tail = 0;
    this.disk.reset();
    this.blockedUntil = 0;
  }

  /** A slow-disk fault starts at `now`: the disk writes `MBps` (the slowest active fault applies). */
  slow(now: number, MBps: number): void {
    this.slowMBps.push(MBps);
    this.retime(now);
  }

  /** That fault heals. */
  unslow(now: number, MBps: number): void {
    const i = this.slowMBps.indexOf(MBps);
    if (i >= 0) this.slowMBps.splice(i, 1);
    this.retime(now);
  }

  /** The bandwidth changed: what is queued for the disk is written at the new speed from `now`. */
  private retime(now: number): void {
    const next = (this.currentMBps * MB) / 1000;
    const factor = this.bytesPerMs / next;
    if (factor === 1) return;
    this.bytesPerMs = next;
    this.disk.stretch(now, factor);
    for (let i = this.head; i < this.tail; i++) {
      const t = this.doneAt[i]!;
      if (t > now) this.doneAt[i] = now + (t - now) * factor;
    }
  }

  private compact(): void {
    const live = this.tail - this.head;
    if (live * 2 > this.doneAt.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T): T => {
        const next = new (a.constructor as new (n: number) => T)(a.length * 2);
        next.set(a.subarray(this.head, this.tail));
        return next;
      };
      this.doneAt = grow(this.doneAt);
      this.pid = grow(this.pid);
      this.base = grow(this.base);
    } else {
      this.doneAt.copyWithin(0, this.head, this.tail);
      this.pid.copyWithin(0, this.head, this.tail);
      this.base.copyWithin(0, this.head, this.tail);
    }
    this.head = 0;
    this.tail = live;
  }
}
