/**
 * TCP over lossy links whose loss starts, eases and ends at random, with
 * cuts in between: each connection's messages arrive once each, in the
 * order they were sent; and once the link is clean, whatever was in flight
 * arrives by the sender's next retransmission (200 ms, doubling).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulator } from "../../shared/kernel/simulator";
import { Network, StreamOrder } from "../../shared/kafka/network";

const SPEC = { latencyMs: 0.5, jitterMs: 0.2, bandwidthMbps: 1000, lossRate: 0 };

const step = fc.record({
  atMs: fc.integer({ min: 0, max: 20_000 }).map((ms) => ms + 0.5),
  what: fc.constantFrom("lossy", "unlossy", "cut", "uncut"),
  rate: fc.constantFrom(0.2, 0.5, 0.9, 1),
});

describe("TCP streams over a link whose loss comes and goes", () => {
  it("deliver each message once, in order; and after the last heal, by the next retransmission", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 1000 }), (steps, seed) => {
        const sim = new Simulator();
        const net = new Network(sim, SPEC, seed);
        const link = net.link("a", "b");
        const orders = [new StreamOrder(), new StreamOrder()];
        const arrived: number[][] = [[], []];
        const sentAt: number[] = [];
        const bound = [0, 0];
        // faults, with each one's undo paired so the link ends clean
        const applied: { lossy: number[]; cuts: number } = { lossy: [], cuts: 0 };
        for (const s of [...steps].sort((x, y) => x.atMs - y.atMs)) {
          sim.at(s.atMs, () => {
            if (s.what === "lossy") {
              net.makeLossy("a", "b", s.rate);
              applied.lossy.push(s.rate);
            } else if (s.what === "unlossy" && applied.lossy.length > 0) net.unmakeLossy("a", "b", applied.lossy.shift()!);
            else if (s.what === "cut") {
              net.cut("a", "b");
              applied.cuts++;
            } else if (s.what === "uncut" && applied.cuts > 0) {
              net.uncut("a", "b");
              applied.cuts--;
            }
          });
        }
        let cleanAt = 0;
        sim.at(21_000, () => {
          while (applied.lossy.length > 0) net.unmakeLossy("a", "b", applied.lossy.shift()!);
          while (applied.cuts > 0) {
            net.uncut("a", "b");
            applied.cuts--;
          }
          cleanAt = sim.now;
        });
        // two connections, a message every 10 ms each until 21 s
        let id = 0;
        for (let t = 0; t < 21_000; t += 10) {
          for (let c = 0; c < 2; c++) {
            const n = id++;
            sim.at(t + c, () => {
              sentAt[n] = sim.now;
              const arrive = (m: number) => {
                if (!net.streamArrived(link, orders[c]!, arrive, m, 100, () => false)) return;
                arrived[c]!.push(m);
                if (sim.now > cleanAt && cleanAt > 0) {
                  // in flight at the heal: by its first retransmission at or after it (plus the wire),
                  // or right behind an earlier message of its connection that waited for its own
                  let k = 0;
                  while (sentAt[m]! + 200 * (2 ** k - 1) < cleanAt) k++;
                  bound[c] = Math.max(bound[c]!, cleanAt, sentAt[m]! + 200 * (2 ** k - 1));
                  expect(sim.now, `message ${m} sent at ${sentAt[m]}`).toBeLessThanOrEqual(bound[c]! + 50);
                }
              };
              net.stream(link, orders[c]!, 100, 0, arrive, n, () => false);
            });
          }
        }
        sim.run(Infinity);
        for (let c = 0; c < 2; c++) {
          const expected = Array.from({ length: id / 2 }, (_, i) => 2 * i + c);
          expect(arrived[c], `connection ${c}: ${JSON.stringify(steps)} seed ${seed}`).toEqual(expected);
        }
      }),
      { numRuns: 80, seed: 777, endOnFailure: true },
    );
  });
});
