import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { RpcClient, connectionOptions } from "../../shared/kafka/rpc";
import { smallScenario } from "../support/engine-scenarios";

// A client that keeps failing to reach a broker waits longer each time, as Kafka's
// ClusterConnectionStates: reconnect.backoff.ms doubled per failure in a row up to
// reconnect.backoff.max.ms, and socket.connection.setup.timeout.ms doubled per setup that timed
// out up to its .max.ms, each varied by ±20% (KIP-580's ExponentialBackoff). Before, a client
// retried a dead broker every 50 ms and every setup timed out after exactly 10 s.

/** Times at which producer p opens a connection to broker-1 while it asks for one whenever it may. */
function connectAttempts(fault: "crash" | "isolate", untilMs: number): number[] {
  const engine = new Engine(smallScenario({ durationMs: untilMs, rate: 0, faults: [{ kind: fault, target: "broker-1", at: "1s", duration: "200s" }] }));
  engine.runUntil(2000);
  // a new client of node p (the producer's own has failures behind it already)
  const producer = engine.producers.get("p")!;
  const rpc = new RpcClient(engine.cluster, "p", { requestTimeoutMs: 30_000, ...connectionOptions(producer.config) });
  const attempts: number[] = [];
  const connect = (rpc as any).connect.bind(rpc); // test-only: record each attempt
  (rpc as any).connect = (conn: unknown) => {
    attempts.push(engine.now);
    connect(conn);
  };
  while (engine.now < untilMs) {
    rpc.ready(1);
    if (!engine.sim.step()) break;
  }
  return attempts;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

it("reconnects to a crashed broker back off from reconnect.backoff.ms to reconnect.backoff.max.ms, ±20%", () => {
  const attempts = connectAttempts("crash", 30_000);
  // actual before: 510 attempts in 28 s, one every 50 ms and a round trip
  expect(attempts.length).toBeLessThan(40);
  const waits = gaps(attempts);
  const nominal = [50, 100, 200, 400, 800, 1000, 1000, 1000];
  nominal.forEach((n, i) => {
    // the wait plus the refused handshake's round trip (about a millisecond)
    expect(waits[i]!).toBeGreaterThanOrEqual(0.8 * n);
    expect(waits[i]!).toBeLessThanOrEqual(Math.min(1000, 1.2 * n) + 5);
  });
  const capped = waits.slice(6);
  expect(Math.max(...capped) - Math.min(...capped)).toBeGreaterThan(10); // jitter: no lockstep
});

it("setups that get no answer time out after socket.connection.setup.timeout.ms, doubling to its max, ±20%", () => {
  const attempts = connectAttempts("isolate", 120_000);
  const waits = gaps(attempts);
  // each attempt waits out its setup timeout, then the reconnect back-off (50 ms, 100 ms, …)
  expect(waits[0]!).toBeGreaterThanOrEqual(8_000);
  expect(waits[0]!).toBeLessThanOrEqual(12_100);
  expect(waits[1]!).toBeGreaterThanOrEqual(16_000);
  expect(waits[1]!).toBeLessThanOrEqual(24_200);
  for (const w of waits.slice(2)) {
    expect(w).toBeGreaterThanOrEqual(24_000);
    expect(w).toBeLessThanOrEqual(31_000);
  }
  // actual before: exactly 10,050 ms each time
  expect(new Set(waits.map((w) => Math.round(w))).size).toBe(waits.length);
});

it("the same seed gives the same connection attempts", () => {
  expect(connectAttempts("crash", 10_000)).toEqual(connectAttempts("crash", 10_000));
});

it("FindCoordinator's broker is the least loaded one: connected first, then connecting, then one not backing off", () => {
  const engine = new Engine(smallScenario({ durationMs: 60_000, rate: 0, faults: [{ kind: "crash", target: "broker-3", at: "1s", duration: "50s" }] }));
  engine.runUntil(2000);
  const rpc = new RpcClient(engine.cluster, "p", { requestTimeoutMs: 30_000, ...connectionOptions(engine.producers.get("p")!.config) });
  const ids = [1, 2, 3];
  // nothing open: the first it may connect to, from the start given
  expect(rpc.leastLoaded(ids, 1)).toBe(2);
  rpc.ready(3); // refused: broker-3's process is down, so its connection backs off
  rpc.ready(1);
  expect(rpc.leastLoaded([3], 0)).toBe(3); // connecting
  while (rpc.canSend(3)) engine.sim.step();
  // broker-3 refused and backs off: not a candidate until the back-off ends
  expect(rpc.leastLoaded([3], 0)).toBe(-1);
  expect(rpc.leastLoaded([2, 3], 1)).toBe(2);
  while (!rpc.ready(1)) engine.sim.step();
  // broker-1 is connected: it wins from any start
  expect([0, 1, 2].map((start) => rpc.leastLoaded(ids, start))).toEqual([1, 1, 1]);
});
