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
 *
 * The cache keeps the newest `pageCacheMB` written; a read of older data
 * (a consumer far behind, a follower catching up) takes the disk in turn
 * with its writes. A power loss empties it: everything written before it is
 * read from the disk. What is read from the disk does not enter the cache.
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
  /** Writes the disk has not finished, oldest first: when it will have, and the bytes written in all up to it. */
  private writeDone = new Float64Array(256);
  private writeUpTo = new Float64Array(256);
  private writeHead = 0;
  private writeTail = 0;
  /** Bytes written in all up to the last write the disk has finished (popped from the queue above). */
  private writtenOut = 0;
  /** When the last write() may go on (0: at once): the writer waited for the disk to get back under the dirty limit. */
  blockedUntil = 0;
  /** Bytes written to the page cache since the host started: it keeps the newest `cacheBytes` of them. */
  written = 0;
  readonly cacheBytes: number;
  /** Bytes asked of the disk since the host started (data the page cache no longer held): see readBy() for what it has read. */
  readBytes = 0;
  /** Reads the disk has not finished, oldest first: when it starts and finishes each, and its size. */
  private readStart: number[] = [];
  private readEnd: number[] = [];
  private readSize: number[] = [];
  private readHead = 0;
  /** Bytes of reads the disk has finished. */
  private readDone = 0;
  /** What was written before the last power loss: not in the page cache any more, however recent. */
  private coldBelow = 0;
  /** fsyncs since the host started. */
  fsyncs = 0;

  constructor(
    readonly diskMBps: number,
    readonly dirtyLimitMB: number,
    pageCacheMB = Infinity,
    /** What an fsync costs the disk beyond writing the data: its cache flush. */
    readonly fsyncMs = 0,
  ) {
    this.bytesPerMs = (diskMBps * MB) / 1000;
    this.cacheBytes = pageCacheMB * MB;
  }

  /** A read of `bytes` no longer in the page cache, at `now`: when the disk has read them (in turn with its writes). */
  read(now: number, bytes: number): number {
    // let go of the reads already done (a headless run never asks readBy)
    this.readBy(now);
    this.readBytes += bytes;
    const serviceMs = bytes / this.bytesPerMs;
    const done = this.disk.serve(now, serviceMs);
    this.readStart.push(done - serviceMs);
    this.readEnd.push(done);
    this.readSize.push(bytes);
    return done;
  }

  /** Bytes the disk has read by `now` (a read in progress counts in part), so a rate of it never beats the disk. */
  readBy(now: number): number {
    const end = this.readEnd;
    while (this.readHead < end.length && end[this.readHead]! <= now) this.readDone += this.readSize[this.readHead++]!;
    if (this.readHead === end.length) {
      if (this.readHead > 0) this.readStart.length = this.readEnd.length = this.readSize.length = this.readHead = 0;
      return this.readDone;
    }
    if (this.readHead > 1024) {
      this.readStart.splice(0, this.readHead);
      this.readEnd.splice(0, this.readHead);
      this.readSize.splice(0, this.readHead);
      this.readHead = 0;
    }
    const start = this.readStart[this.readHead]!;
    return start < now ? this.readDone + (this.readSize[this.readHead]! * (now - start)) / (end[this.readHead]! - start) : this.readDone;
  }

  /** Data written before this many bytes had been written (see `written`) is no longer in the page cache. */
  get uncachedBelow(): number {
    const evicted = this.written - this.cacheBytes;
    return evicted > this.coldBelow ? evicted : this.coldBelow;
  }

  /**
   * An fsync of a log at `now`: the disk writes what is queued before it, then flushes its cache
   * (busy for fsyncMs, in turn with everything else). Returns when the data is durable. Each
   * fsync is one flush: Kafka fsyncs a partition's log at a time.
   */
  fsync(now: number): number {
    this.fsyncs++;
    return this.disk.serve(now, this.fsyncMs);
  }

  /** The disk's bandwidth now, MB/s. */
  get currentMBps(): number {
    return this.slowMBps.length === 0 ? this.diskMBps : Math.min(this.diskMBps, ...this.slowMBps);
  }

  /** Bytes in the page cache the disk has not written yet (a write counts until the disk has finished it). */
  dirtyBytes(now: number): number {
    let out = this.writtenOut;
    for (let i = this.writeHead; i < this.writeTail && this.writeDone[i]! <= now; i++) out = this.writeUpTo[i]!;
    return this.written - out;
  }

  /** How long the disk is busy from `now` with what is queued for it (writes, and reads of old data). */
  backlogMs(now: number): number {
    return this.disk.backlogMs(now);
  }

  /**
   * `bytes` are written to the page cache at `now`: returns when the disk will have written them
   * (an fsync waits for that), and sets `blockedUntil`.
   */
  write(now: number, bytes: number): number {
    while (this.head < this.tail && this.doneAt[this.head]! <= now) this.head++;
    while (this.writeHead < this.writeTail && this.writeDone[this.writeHead]! <= now) this.writtenOut = this.writeUpTo[this.writeHead++]!;
    this.written += bytes;
    const done = this.disk.serve(now, bytes / this.bytesPerMs);
    if (this.writeTail === this.writeDone.length) this.compactWrites();
    this.writeDone[this.writeTail] = done;
    this.writeUpTo[this.writeTail++] = this.written;
    // over the dirty limit, the writer waits for the write that brings the disk back under it
    const mustBeOut = this.written - this.dirtyLimitMB * MB;
    this.blockedUntil = 0;
    if (mustBeOut > this.writtenOut) {
      let lo = this.writeHead;
      let hi = this.writeTail - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.writeUpTo[mid]! >= mustBeOut) hi = mid;
        else lo = mid + 1;
      }
      const unblock = this.writeDone[lo]!;
      if (unblock > now) this.blockedUntil = unblock;
    }
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
    this.coldBelow = this.written;
    // reads queued for the disk are never finished
    this.readStart.length = this.readEnd.length = this.readSize.length = this.readHead = 0;
    this.head = this.tail = 0;
    this.writeHead = this.writeTail = 0;
    this.writtenOut = this.written;
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
    for (let i = this.writeHead; i < this.writeTail; i++) {
      const t = this.writeDone[i]!;
      if (t > now) this.writeDone[i] = now + (t - now) * factor;
    }
    for (let i = this.readHead; i < this.readEnd.length; i++) {
      const start = this.readStart[i]!;
      const end = this.readEnd[i]!;
      if (end <= now) continue;
      if (start < now) {
        // a read in progress: what it has read counts as done, and the rest takes `factor` times as long
        const size = this.readSize[i]!;
        const share = (now - start) / (end - start);
        this.readDone += size * share;
        this.readSize[i] = size * (1 - share);
        this.readStart[i] = now;
      } else this.readStart[i] = now + (start - now) * factor;
      this.readEnd[i] = now + (end - now) * factor;
    }
  }

  private compactWrites(): void {
    const live = this.writeTail - this.writeHead;
    const size = live * 2 > this.writeDone.length ? this.writeDone.length * 2 : this.writeDone.length;
    const done = new Float64Array(size);
    const upTo = new Float64Array(size);
    done.set(this.writeDone.subarray(this.writeHead, this.writeTail));
    upTo.set(this.writeUpTo.subarray(this.writeHead, this.writeTail));
    this.writeDone = done;
    this.writeUpTo = upTo;
    this.writeHead = 0;
    this.writeTail = live;
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
