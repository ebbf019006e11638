/**
 * Record batches and partition logs, stored column-wise in typed arrays:
 * a run moves millions of messages but only hundreds of thousands of
 * batches, and every replica of a partition holds the same batches, so a
 * replica's log is just a list of batch ids with their end offsets and the
 * leader epoch they were written in.
 */

/**
 * `a`, or a copy twice as large (or more) when it holds fewer than `n`
 * elements. Each field keeps one typed-array type, so element access stays
 * monomorphic on the hot paths.
 */
function room<A extends Float64Array | Int32Array>(a: A, n: number): A {
  if (n <= a.length) return a;
  let size = a.length * 2;
  while (size < n) size *= 2;
  const next = new (a.constructor as new (size: number) => A)(size);
  next.set(a);
  return next;
}

/**
 * Every batch ever produced to one partition. A batch is a contiguous range
 * of one producer's sequence numbers for this partition (as with Kafka's
 * idempotent producer), so per-message facts are kept per range.
 */
export class BatchStore {
  private producer = new Int32Array(64);
  private baseSeq = new Float64Array(64);
  private counts = new Int32Array(64);
  private bytes = new Float64Array(64);
  private firstCreated = new Float64Array(64);
  private lastCreated = new Float64Array(64);
  /** The producer epoch the batch was appended with (its last append, if a retry was appended again). */
  private producerEpochs = new Int32Array(64);
  size = 0;

  add(producerIndex: number, baseSeq: number, count: number, bytes: number, firstCreatedMs: number, lastCreatedMs: number): number {
    const id = this.size++;
    if (this.size > this.counts.length) {
      this.producer = room(this.producer, this.size);
      this.baseSeq = room(this.baseSeq, this.size);
      this.counts = room(this.counts, this.size);
      this.bytes = room(this.bytes, this.size);
      this.firstCreated = room(this.firstCreated, this.size);
      this.lastCreated = room(this.lastCreated, this.size);
      this.producerEpochs = room(this.producerEpochs, this.size);
    }
    this.producer[id] = producerIndex;
    this.baseSeq[id] = baseSeq;
    this.counts[id] = count;
    this.bytes[id] = bytes;
    this.firstCreated[id] = firstCreatedMs;
    this.lastCreated[id] = lastCreatedMs;
    return id;
  }

  producerOf(id: number): number {
    return this.producer[id]!;
  }
  baseSeqOf(id: number): number {
    return this.baseSeq[id]!;
  }
  countOf(id: number): number {
    return this.counts[id]!;
  }
  bytesOf(id: number): number {
    return this.bytes[id]!;
  }
  firstCreatedOf(id: number): number {
    return this.firstCreated[id]!;
  }
  lastCreatedOf(id: number): number {
    return this.lastCreated[id]!;
  }
  producerEpochOf(id: number): number {
    return this.producerEpochs[id]!;
  }
  setProducerEpoch(id: number, epoch: number): void {
    this.producerEpochs[id] = epoch;
  }
}

/** How often a log notes where the broker's page cache stood (see ReplicaLog.noteWritten). */
const MARK_BYTES = 1024 * 1024;

/** One replica's log: offsets are dense from 0, batches are atomic. */
export class ReplicaLog {
  private ids = new Int32Array(64);
  private ends = new Float64Array(64);
  private epochs = new Int32Array(64);
  private byteTotal = new Float64Array(64);
  length = 0;
  /** Offset up to which the log is on disk (the rest is in the page cache). */
  flushedOffset = 0;
  /** When Kafka itself last fsynced the log (flush.messages, flush.ms, a clean shutdown); the OS's write-back does not count. */
  flushedAtMs = 0;

  /** Kafka fsyncs the log at `now`: everything appended is on disk. */
  flush(now: number): void {
    this.flushedOffset = this.leo;
    this.flushedAtMs = now;
  }
  /**
   * The first offset still in the log (Kafka's log start offset): retention deletes whole segments
   * from the front, and a follower takes its leader's. The batches before it stay in the arrays
   * (the checker reads every batch the log ever committed); reads before it are out of range.
   */
  logStartOffset = 0;
  /** Index of the batch holding logStartOffset (length when the log holds none past it). */
  startIndex = 0;
  /** Batch indexes where segments begin, oldest first (the last is the active segment), and when each was rolled. */
  private segmentStarts: number[] = [0];
  private segmentRolledAt: number[] = [0];
  // the last batch's end offset and epoch, kept beside the arrays: fetches read them all the time
  private leo = 0;
  private lastEpoch = -1;

  get logEndOffset(): number {
    return this.leo;
  }

  get latestEpoch(): number {
    return this.lastEpoch;
  }

  get totalBytes(): number {
    return this.length === 0 ? 0 : this.byteTotal[this.length - 1]!;
  }

  /**
   * Where the broker's writes stood as this log grew: after an append that took the log to
   * markBytes[k] bytes, the broker had written markWritten[k] bytes in all. One pair per MB of log.
   */
  private markBytes: number[] = [];
  private markWritten: number[] = [];

  /** After an append: the broker has written `written` bytes to its page cache in all, this log's included. */
  noteWritten(written: number): void {
    const total = this.totalBytes;
    const n = this.markBytes.length;
    if (n > 0 && total - this.markBytes[n - 1]! < MARK_BYTES) return;
    this.markBytes.push(total);
    this.markWritten.push(written);
  }

  /**
   * Bytes of batches [from, to) the broker wrote before it had written `before` bytes in all: gone from
   * a page cache that keeps only the newest writes. Measured at the marks, so it errs towards cached.
   */
  bytesWrittenBefore(from: number, to: number, before: number): number {
    const written = this.markWritten;
    let lo = 0;
    let hi = written.length;
    // the first mark written after `before`: everything up to the mark before it is older
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (written[mid]! <= before) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return 0;
    const oldEnd = this.markBytes[lo - 1]!;
    const start = from === 0 ? 0 : this.byteTotal[from - 1]!;
    const end = to === 0 ? 0 : this.byteTotal[to - 1]!;
    return Math.max(0, Math.min(end, oldEnd) - start);
  }

  /**
   * Append a batch at simulated time `now`. The active segment rolls first when it holds a batch
   * and would grow past `segmentBytes`, or was rolled `segmentMs` ago or more (segment.bytes and
   * segment.ms; Kafka checks both on append).
   */
  append(batchId: number, count: number, bytes: number, epoch: number, now = 0, segmentBytes = Infinity, segmentMs = Infinity): void {
    const active = this.segmentStarts.length - 1;
    const first = this.segmentStarts[active]!;
    if (this.length > first && (this.bytesBetween(first, this.length) + bytes > segmentBytes || now - this.segmentRolledAt[active]! >= segmentMs)) {
      this.segmentStarts.push(this.length);
      this.segmentRolledAt.push(now);
    } else if (this.length === first) this.segmentRolledAt[active] = now;
    const i = this.length++;
    if (this.length > this.ids.length) {
      this.ids = room(this.ids, this.length);
      this.ends = room(this.ends, this.length);
      this.epochs = room(this.epochs, this.length);
      this.byteTotal = room(this.byteTotal, this.length);
    }
    this.ids[i] = batchId;
    this.leo += count;
    this.ends[i] = this.leo;
    this.epochs[i] = epoch;
    this.lastEpoch = epoch;
    this.byteTotal[i] = (i === 0 ? 0 : this.byteTotal[i - 1]!) + bytes;
  }

  batchAt(index: number): number {
    return this.ids[index]!;
  }
  /** End offset of the batch `batchId` (searched from the end: a retried batch is a recent one), or -1 when absent. */
  endOffsetOfBatch(batchId: number): number {
    for (let i = this.length - 1; i >= 0; i--) if (this.ids[i] === batchId) return this.ends[i]!;
    return -1;
  }
  endOffsetAt(index: number): number {
    return this.ends[index]!;
  }
  baseOffsetAt(index: number): number {
    return index === 0 ? 0 : this.ends[index - 1]!;
  }
  epochAt(index: number): number {
    return this.epochs[index]!;
  }

  /** Index of the batch holding `offset` (the first whose end is above it), or length. */
  indexOf(offset: number): number {
    const ends = this.ends;
    // readers (followers, caught-up consumers) mostly ask for the last few batches:
    // gallop back from the end to bracket the answer, then search inside the bracket
    let hi = this.length;
    let lo = hi - 1;
    let step = 1;
    while (lo >= 0 && ends[lo]! > offset) {
      hi = lo;
      lo -= step;
      step *= 2;
    }
    // ends[lo] <= offset (or lo < 0) and every end from hi on is above offset
    lo = lo < 0 ? 0 : lo + 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * ListOffsets by timestamp: the first offset below `limit` (the high watermark, for a consumer)
   * whose record was created at or after `timestampMs`, or `limit` when none was. Records of a batch
   * are taken as evenly spread between its first and last creation time (what the model keeps). As
   * Kafka's time index, batches are matched by their largest timestamp, scanning from the start.
   */
  offsetForTimestamp(store: BatchStore, timestampMs: number, limit: number): number {
    for (let i = 0; i < this.length; i++) {
      const base = this.baseOffsetAt(i);
      if (base >= limit) break;
      const id = this.ids[i]!;
      const last = store.lastCreatedOf(id);
      if (last < timestampMs) continue;
      const first = store.firstCreatedOf(id);
      const count = store.countOf(id);
      const k = first >= timestampMs || count <= 1 ? 0 : Math.ceil(((timestampMs - first) / (last - first)) * (count - 1));
      return Math.min(base + k, limit);
    }
    return limit;
  }

  /** Bytes between two offsets (batch-aligned), cheap thanks to running totals. */
  bytesBetween(fromIndex: number, toIndex: number): number {
    if (toIndex <= fromIndex) return 0;
    const before = fromIndex === 0 ? 0 : this.byteTotal[fromIndex - 1]!;
    return this.byteTotal[toIndex - 1]! - before;
  }

  /**
   * The end offset of `epoch` in this log, as the leader answers a follower
   * (KIP-101/279): the start of the first later epoch, or the log end if
   * `epoch` is the latest. Also returns the largest epoch <= `epoch` present.
   */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: number } {
    if (this.length === 0) return { epoch: -1, endOffset: 0 };
    if (epoch >= this.latestEpoch) return { epoch: this.latestEpoch, endOffset: this.logEndOffset };
    // first batch with epoch > requested
    let lo = 0;
    let hi = this.length;
    const epochs = this.epochs;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (epochs[mid]! <= epoch) lo = mid + 1;
      else hi = mid;
    }
    const found = lo === 0 ? -1 : epochs[lo - 1]!;
    return { epoch: found, endOffset: this.baseOffsetAt(lo) };
  }

  /** Segments, oldest first: the batch index each begins at and when it was rolled (the last is the active one). */
  segments(): { start: number; rolledAt: number }[] {
    return this.segmentStarts.map((start, i) => ({ start, rolledAt: this.segmentRolledAt[i]! }));
  }

  /**
   * Kafka's deleteOldSegments, on the leader: from the oldest, each closed segment that ends at or
   * below `limitOffset` (the high watermark) and whose newest record was created more than
   * `retentionMs` before `now`, or whose deletion still leaves at least `retentionBytes` (each -1:
   * no such limit), until the first that is none of these. The log start moves past them. Returns
   * the batch index range deleted, [from, to) (empty when nothing was).
   */
  deleteOldSegments(store: BatchStore, now: number, retentionMs: number, retentionBytes: number, limitOffset: number): { from: number; to: number } {
    const from = this.startIndex;
    let size = this.bytesBetween(from, this.length);
    while (this.segmentStarts.length > 1) {
      const start = Math.max(this.segmentStarts[0]!, this.startIndex);
      const end = this.segmentStarts[1]!;
      if (end > start && this.endOffsetAt(end - 1) > limitOffset) break;
      let newest = -Infinity;
      for (let i = start; i < end; i++) newest = Math.max(newest, store.lastCreatedOf(this.ids[i]!));
      const segmentSize = this.bytesBetween(start, end);
      const expired = retentionMs >= 0 && newest < now - retentionMs;
      const oversize = retentionBytes >= 0 && size - segmentSize >= retentionBytes;
      if (!expired && !oversize) break;
      size -= segmentSize;
      this.segmentStarts.shift();
      this.segmentRolledAt.shift();
      this.startIndex = end;
      this.logStartOffset = Math.max(this.logStartOffset, this.baseOffsetAt(end));
    }
    return { from, to: this.startIndex };
  }

  /** A follower takes its leader's log start offset (never past its own log end, never back). */
  advanceStartTo(offset: number): void {
    const to = Math.min(offset, this.leo);
    if (to <= this.logStartOffset) return;
    this.logStartOffset = to;
    // the batch holding it (a follower's start can fall inside a batch, as Kafka's can inside a segment)
    this.startIndex = this.indexOf(to);
    while (this.segmentStarts.length > 1 && this.segmentStarts[1]! <= this.startIndex) {
      this.segmentStarts.shift();
      this.segmentRolledAt.shift();
    }
  }

  /** Drop every batch at or above `offset` (rounded down to a batch boundary). */
  truncateTo(offset: number): number {
    const keep = this.indexOf(offset);
    // keep batches that end at or before offset
    let n = keep;
    if (n < this.length && this.ends[n]! <= offset) n++;
    const removed = this.length - n;
    this.length = n;
    this.leo = n === 0 ? 0 : this.ends[n - 1]!;
    this.lastEpoch = n === 0 ? -1 : this.epochs[n - 1]!;
    if (this.flushedOffset > this.logEndOffset) this.flushedOffset = this.logEndOffset;
    // segments that began past the cut are gone; the one holding it is active again
    while (this.segmentStarts.length > 1 && this.segmentStarts[this.segmentStarts.length - 1]! >= n) {
      this.segmentStarts.pop();
      this.segmentRolledAt.pop();
    }
    if (this.startIndex > n) this.startIndex = n;
    if (this.logStartOffset > this.leo) this.logStartOffset = this.leo;
    const total = this.totalBytes;
    while (this.markBytes.length > 0 && this.markBytes[this.markBytes.length - 1]! > total) {
      this.markBytes.pop();
      this.markWritten.pop();
    }
    return removed;
  }
}
