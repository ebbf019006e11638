/**
 * The per-message checker (DESIGN §3.2): what the simulator uses to prove a
 * lesson's claim ("acks=1 loses acknowledged writes when the leader dies",
 * "idempotence removes log duplicates", ...).
 *
 * A message is (stream, seq): the stream is one producer writing one
 * partition ("producerId/topic/partition"), and seq is dense from 0 — the same
 * shape as Kafka's idempotent-producer sequence numbers. Every fact is kept as
 * ranges, so the cost is per batch, not per message.
 *
 * Counting conventions (each is a position count, never a call count, unless
 * said otherwise):
 * - attempted / acked / failed: distinct positions; a retried batch that is
 *   produced or acknowledged twice still counts once.
 * - ackedLost: acknowledged positions absent from the final log.
 * - duplicatesInLog: sum over positions of max(0, copies in log - 1).
 * - duplicatesDelivered: sum over positions and reading groups of
 *   max(0, deliveries to that group - 1): every group reads every message
 *   once, so a second group reading a topic delivers no duplicates.
 * - outOfOrder: messages whose first appearance in the log comes after a
 *   message of the same stream with a higher seq. A re-appearing duplicate is
 *   a duplicate, not a reordering, so only first appearances are counted.
 */
import { RangeCounter, RangeSet } from "./ranges";

export interface CheckerResult {
  produced: { attempted: number; acked: number; failed: number };
  /** inFlightAtEnd: acks=0 messages still on their way to a broker when the run ended (counted acknowledged, not lost). */
  /**
   * deletedByRetention: positions whose segment retention deleted (not lost: the log had committed
   * them); expiredUnread: of those, the ones some reading group had not read (a consumer behind the
   * log start skipped them).
   */
  delivery: { ackedLost: number; duplicatesInLog: number; duplicatesDelivered: number; outOfOrder: number; inFlightAtEnd: number; deletedByRetention: number; expiredUnread: number };
}

export interface StreamRange {
  stream: string;
  /** First seq of the run. */
  start: number;
  /** One past the last seq. */
  end: number;
}

/** The canonical stream key, so every caller spells it the same way. */
export function streamKey(producerId: string, topic: string, partition: number): string {
  return `${producerId}/${topic}/${partition}`;
}

/** What the checker knows of one stream (a producer's messages to one partition). */
export class StreamState {
  readonly attempted = new RangeSet();
  readonly acked = new RangeSet();
  readonly failed = new RangeSet();
  /** Deliveries, per reading group (Checker.delivered's `reader`). */
  readonly delivered: RangeCounter[] = [];
  log = new RangeCounter();
  /** acks=0 messages still on their way to a broker when the logs were scanned: not (yet) lost. */
  inFlight = new RangeSet();
  /** Deleted by retention on the partition's leader (whole segments, before the log start offset). */
  readonly expired = new RangeSet();
  /** One past the highest seq seen so far in the final log. */
  logEnd = 0;
  outOfOrder = 0;
}

export class Checker {
  // Insertion order (first fact about a stream) is deterministic in a
  // deterministic run, so reports list streams stably.
  private readonly streams = new Map<string, StreamState>();

  /** A stream's state, created on first use; a caller recording into it often may keep it and pass it instead of the key. */
  stream(key: string): StreamState {
    let s = this.streams.get(key);
    if (!s) {
      s = new StreamState();
      this.streams.set(key, s);
    }
    return s;
  }

  private state(stream: string | StreamState): StreamState {
    return typeof stream === "string" ? this.stream(stream) : stream;
  }

  /** The producer attempted [baseSeq, baseSeq + count). */
  produced(stream: string | StreamState, baseSeq: number, count: number): void {
    this.state(stream).attempted.add(baseSeq, baseSeq + count);
  }

  /** The producer got a success acknowledgement; a repeat for a retried batch counts once. */
  acked(stream: string | StreamState, baseSeq: number, count: number): void {
    this.state(stream).acked.add(baseSeq, baseSeq + count);
  }

  /** The producer gave up on the batch (delivery timeout, non-retriable error). */
  failed(stream: string | StreamState, baseSeq: number, count: number): void {
    this.state(stream).failed.add(baseSeq, baseSeq + count);
  }

  /**
   * Reading group `reader` (0, 1, ...: one number per group) processed the batch; each call is one
   * delivery, so a group's repeats are duplicates. Another group's copy is not.
   */
  delivered(stream: string | StreamState, baseSeq: number, count: number, reader = 0): void {
    const by = this.state(stream).delivered;
    while (by.length <= reader) by.push(new RangeCounter());
    by[reader]!.add(baseSeq, baseSeq + count);
  }

  /** Retention deleted [baseSeq, baseSeq + count) from the partition's log (a repeat counts once). */
  expired(stream: string | StreamState, baseSeq: number, count: number): void {
    this.state(stream).expired.add(baseSeq, baseSeq + count);
  }

  /** Forget what earlier log scans saw, before scanning the logs again (a report can be taken many times). */
  beginLogScan(): void {
    for (const s of this.streams.values()) {
      s.log = new RangeCounter();
      s.inFlight = new RangeSet();
      s.logEnd = 0;
      s.outOfOrder = 0;
    }
  }

  /**
   * One batch occurrence in a partition's final committed log, called in log
   * order at the end of the run (a duplicated batch is passed twice).
   */
  finalLog(stream: string | StreamState, baseSeq: number, count: number): void {
    const s = this.state(stream);
    const end = baseSeq + count;
    if (baseSeq < s.logEnd) {
      // Some message with a higher seq is already in the log: every first
      // appearance below that high-water mark is out of order. (The common,
      // in-order case skips this range query entirely.)
      const upto = Math.min(end, s.logEnd);
      s.outOfOrder += upto - baseSeq - s.log.coveredIn(baseSeq, upto);
    }
    s.log.add(baseSeq, end);
    if (end > s.logEnd) s.logEnd = end;
  }

  /** An acks=0 batch, counted as acknowledged when sent, had not reached a broker at the scan. */
  inFlightAtScan(stream: string | StreamState, baseSeq: number, count: number): void {
    this.state(stream).inFlight.add(baseSeq, baseSeq + count);
  }

  /** Acknowledged, absent from the final log, and not still on its way. */
  private lostOf(s: StreamState): RangeSet {
    const lost = new RangeSet();
    for (const run of s.acked.minusRuns(s.log)) lost.add(run.start, run.end);
    if (s.inFlight.size() === 0) return lost;
    const notInFlight = new RangeSet();
    for (const run of lost.minusRuns(s.inFlight)) notInFlight.add(run.start, run.end);
    return notInFlight;
  }

  result(): CheckerResult {
    const r: CheckerResult = {
      produced: { attempted: 0, acked: 0, failed: 0 },
      delivery: { ackedLost: 0, duplicatesInLog: 0, duplicatesDelivered: 0, outOfOrder: 0, inFlightAtEnd: 0, deletedByRetention: 0, expiredUnread: 0 },
    };
    for (const s of this.streams.values()) {
      r.produced.attempted += s.attempted.size();
      r.produced.acked += s.acked.size();
      r.produced.failed += s.failed.size();
      r.delivery.ackedLost += s.inFlight.size() === 0 ? s.acked.minus(s.log) : this.lostOf(s).size();
      r.delivery.inFlightAtEnd += s.inFlight.size();
      r.delivery.duplicatesInLog += s.log.extraCopies();
      for (const by of s.delivered) r.delivery.duplicatesDelivered += by.extraCopies();
      r.delivery.outOfOrder += s.outOfOrder;
      if (s.expired.size() > 0) {
        r.delivery.deletedByRetention += s.expired.size();
        r.delivery.expiredUnread += unreadOf(s);
      }
    }
    return r;
  }

  /** Up to `limit` runs of acknowledged-but-lost messages, for the report to show examples. */
  lostRanges(limit: number): StreamRange[] {
    const out: StreamRange[] = [];
    for (const [stream, s] of this.streams) {
      for (const run of this.lostOf(s).runs()) {
        if (out.length >= limit) return out;
        out.push({ stream, start: run.start, end: run.end });
      }
    }
    return out;
  }
}

/** Positions retention deleted that some reading group had not read (with no group: all of them). */
function unreadOf(s: StreamState): number {
  if (s.delivered.length <= 1) return s.expired.minus(s.delivered[0] ?? new RangeCounter());
  const unread = new RangeSet();
  for (const by of s.delivered) for (const run of s.expired.minusRuns(by)) unread.add(run.start, run.end);
  return unread.size();
}
