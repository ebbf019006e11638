import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Checker, streamKey } from "../../shared/metrics/checker";

const A = streamKey("p1", "sensors", 0);
const B = streamKey("p2", "sensors", 0);

/** Produce, ack, log and deliver each batch once, in order. */
function clean(c: Checker, stream: string, sizes: number[]): void {
  let seq = 0;
  for (const n of sizes) {
    c.produced(stream, seq, n);
    c.acked(stream, seq, n);
    c.finalLog(stream, seq, n);
    c.delivered(stream, seq, n);
    seq += n;
  }
}

const zeros = { ackedLost: 0, duplicatesInLog: 0, duplicatesDelivered: 0, outOfOrder: 0, inFlightAtEnd: 0, deletedByRetention: 0, expiredUnread: 0 };

describe("Checker", () => {
  it("reports nothing wrong for a clean run", () => {
    const c = new Checker();
    clean(c, A, [10, 5, 7]);
    clean(c, B, [3]);
    expect(c.result()).toEqual({ produced: { attempted: 25, acked: 25, failed: 0 }, delivery: zeros });
    expect(c.lostRanges(10)).toEqual([]);
    expect(A).toBe("p1/sensors/0");
  });

  it("finds acknowledged-but-lost messages", () => {
    const c = new Checker();
    c.produced(A, 0, 30);
    c.acked(A, 0, 10);
    c.acked(A, 10, 10);
    c.acked(A, 20, 10);
    c.finalLog(A, 0, 10);
    c.finalLog(A, 20, 10); // the leader that acked [10, 20) died before replicating it
    expect(c.result().delivery).toEqual({ ...zeros, ackedLost: 10 });
    expect(c.lostRanges(5)).toEqual([{ stream: A, start: 10, end: 20 }]);
  });

  it("does not count acks=0 messages still on their way at the end as lost, only as in flight", () => {
    const c = new Checker();
    c.produced(A, 0, 30);
    c.acked(A, 0, 30); // acks=0: done when sent
    c.finalLog(A, 0, 10);
    c.inFlightAtScan(A, 25, 5); // sent last, not yet at the broker; [10, 25) never arrived
    expect(c.result().delivery).toEqual({ ...zeros, ackedLost: 15, inFlightAtEnd: 5 });
    expect(c.lostRanges(5)).toEqual([{ stream: A, start: 10, end: 25 }]);
    c.beginLogScan(); // a later scan starts afresh
    c.finalLog(A, 0, 30);
    expect(c.result().delivery).toEqual(zeros);
  });

  it("does not count unacknowledged or failed messages as lost", () => {
    const c = new Checker();
    c.produced(A, 0, 20);
    c.acked(A, 0, 10);
    c.failed(A, 10, 10);
    c.finalLog(A, 0, 10);
    expect(c.result()).toEqual({ produced: { attempted: 20, acked: 10, failed: 10 }, delivery: zeros });
  });

  it("counts a retried ack once", () => {
    const c = new Checker();
    c.produced(A, 0, 10);
    c.produced(A, 0, 10);
    c.acked(A, 0, 10);
    c.acked(A, 0, 10);
    c.finalLog(A, 0, 10);
    expect(c.result().produced).toEqual({ attempted: 10, acked: 10, failed: 0 });
  });

  it("counts duplicates in the log (not as reordering) and duplicate deliveries", () => {
    const c = new Checker();
    clean(c, A, [10, 10]);
    c.finalLog(A, 0, 10); // a retry without idempotence, appended again
    c.delivered(A, 5, 10); // a replayed micro-batch
    c.delivered(A, 5, 2);
    expect(c.result().delivery).toEqual({ ...zeros, duplicatesInLog: 10, duplicatesDelivered: 12 });
  });

  it("counts duplicate deliveries per reading group: a second group reading the same messages is no duplicate", () => {
    const c = new Checker();
    clean(c, A, [20]); // group 0 reads it all
    c.delivered(A, 0, 20, 1); // so does another group
    expect(c.result().delivery.duplicatesDelivered).toBe(0);
    c.delivered(A, 15, 5, 1); // that group re-reads five after a rebalance
    c.delivered(A, 0, 3, 2);
    expect(c.result().delivery.duplicatesDelivered).toBe(5);
  });

  it("counts a deleted message as never read if some reading group had not read it", () => {
    const c = new Checker();
    clean(c, A, [100]); // group 0 reads it all
    c.delivered(A, 0, 20, 1);
    c.delivered(A, 40, 60, 1);
    c.expired(A, 0, 50);
    // group 1 skipped 20..39; group 0 read everything deleted
    expect(c.result().delivery).toMatchObject({ deletedByRetention: 50, expiredUnread: 20 });
  });

  it("counts reordered first appearances only", () => {
    const c = new Checker();
    c.finalLog(A, 0, 10);
    c.finalLog(A, 20, 10);
    c.finalLog(A, 10, 10); // came after seq 29
    c.finalLog(B, 0, 5); // another stream's order is independent
    expect(c.result().delivery).toEqual({ ...zeros, outOfOrder: 10 });

    const d = new Checker();
    d.finalLog(A, 0, 5);
    d.finalLog(A, 8, 2);
    d.finalLog(A, 3, 9); // 3,4,8,9 duplicates; 5,6,7 late; 10,11 new and above seq 9
    expect(d.result().delivery).toEqual({ ...zeros, outOfOrder: 3, duplicatesInLog: 4 });
  });

  it("counts what retention deleted apart from loss, and of it what was never delivered", () => {
    const c = new Checker();
    c.acked(A, 0, 100);
    c.finalLog(A, 0, 100);
    c.delivered(A, 0, 30);
    c.expired(A, 0, 50);
    c.expired(A, 40, 20); // overlapping: a range counts once
    expect(c.result().delivery).toEqual({ ...zeros, deletedByRetention: 60, expiredUnread: 30 });
  });

  it("limits lost examples across streams", () => {
    const c = new Checker();
    for (const s of [A, B]) {
      c.acked(s, 0, 30);
      c.finalLog(s, 10, 10);
    }
    expect(c.result().delivery.ackedLost).toBe(40);
    expect(c.lostRanges(3)).toEqual([
      { stream: A, start: 0, end: 10 },
      { stream: A, start: 20, end: 30 },
      { stream: B, start: 0, end: 10 },
    ]);
  });

  const streams = fc.dictionary(
    fc.constantFrom("p1/t/0", "p1/t/1", "p2/t/0"),
    fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
    { minKeys: 1 },
  );

  it("property: in-order logs without loss report all zeros", () => {
    fc.assert(
      fc.property(streams, (s) => {
        const c = new Checker();
        for (const [k, sizes] of Object.entries(s)) clean(c, k, sizes);
        const n = Object.values(s).flat().reduce((a, b) => a + b, 0);
        expect(c.result()).toEqual({ produced: { attempted: n, acked: n, failed: 0 }, delivery: zeros });
      }),
    );
  });

  it("property: removing one acked batch from the log loses exactly that batch", () => {
    fc.assert(
      fc.property(streams, fc.nat(), fc.nat(), (s, pickStream, pickBatch) => {
        const keys = Object.keys(s);
        const victimStream = keys[pickStream % keys.length]!;
        const victim = pickBatch % s[victimStream]!.length;
        const c = new Checker();
        let lost = { start: 0, end: 0 };
        for (const [k, sizes] of Object.entries(s)) {
          let seq = 0;
          sizes.forEach((n, i) => {
            c.produced(k, seq, n);
            c.acked(k, seq, n);
            if (k === victimStream && i === victim) lost = { start: seq, end: seq + n };
            else c.finalLog(k, seq, n);
            seq += n;
          });
        }
        const r = c.result().delivery;
        expect(r.ackedLost).toBe(lost.end - lost.start);
        expect(r.outOfOrder).toBe(0);
        expect(r.duplicatesInLog).toBe(0);
        expect(c.lostRanges(10)).toEqual([{ stream: victimStream, ...lost }]);
      }),
    );
  });

  it("property: matches a per-message model for arbitrary logs", () => {
    const batch = fc.tuple(fc.nat(40), fc.integer({ min: 1, max: 8 }));
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 25 }), fc.array(batch, { maxLength: 10 }), (log, acks) => {
        const c = new Checker();
        for (const [b, n] of acks) c.acked(A, b, n);
        for (const [b, n] of log) c.finalLog(A, b, n);
        const copies = new Map<number, number>();
        let maxSeq = -1;
        let outOfOrder = 0;
        for (const [b, n] of log) {
          for (let p = b; p < b + n; p++) {
            if (!copies.has(p) && p < maxSeq) outOfOrder++;
            copies.set(p, (copies.get(p) ?? 0) + 1);
          }
          maxSeq = Math.max(maxSeq, b + n - 1);
        }
        const acked = new Set(acks.flatMap(([b, n]) => Array.from({ length: n }, (_, i) => b + i)));
        const r = c.result();
        expect(r.produced.acked).toBe(acked.size);
        expect(r.delivery.ackedLost).toBe([...acked].filter((p) => !copies.has(p)).length);
        expect(r.delivery.duplicatesInLog).toBe([...copies.values()].reduce((a, k) => a + k - 1, 0));
        expect(r.delivery.outOfOrder).toBe(outOfOrder);
      }),
    );
  });
});
