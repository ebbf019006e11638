/**
 * A broker's process dies while the link to a client is cut: the reset its kernel sends is lost,
 * so the client's side of the connection stays open. The client learns when it next sends on it:
 * the host has no socket for that connection and answers with a reset, so the request fails at
 * once with a network error, and the client reconnects. Before, the request vanished and the
 * client waited out request.timeout.ms (30 s): a consumer whose FindCoordinator went that way sat
 * outside its group for half a minute after every fault had healed. And a broker restarted since
 * served requests on a connection opened to its previous process.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { KafkaError } from "../../shared/kafka/errors";
import { RpcClient, connectionOptions, type RpcResult } from "../../shared/kafka/rpc";
import { smallScenario } from "../support/engine-scenarios";

/** Open a connection from "p" to broker-1, cut p↔broker-1 from 3 s to 7 s, crash broker-1 at 4 s for `downMs`, then send a request on the old connection at 8 s. */
function requestAfterLostReset(downMs: number): { result: RpcResult<string>; atMs: number; served: boolean } {
  const engine = new Engine(
    smallScenario({
      durationMs: 60_000,
      rate: 0,
      faults: [
        { kind: "cut", from: "p", to: "broker-1", at: "3s", duration: "4s" },
        { kind: "crash", target: "broker-1", at: "4s", duration: downMs },
      ],
    }),
  );
  const rpc = new RpcClient(engine.cluster, "p", { requestTimeoutMs: 30_000, ...connectionOptions(engine.producers.get("p")!.config) });
  engine.runUntil(1000);
  rpc.ready(1);
  engine.runUntil(2000);
  expect(rpc.ready(1)).toBe(true);
  engine.runUntil(8000);
  // the client still thinks its connection is open: the reset never reached it
  expect(rpc.ready(1)).toBe(true);
  let outcome: { result: RpcResult<string>; atMs: number } | null = null;
  let served = false;
  rpc.call<string>(
    1,
    100,
    (_broker, reply) => {
      served = true;
      reply(100, "answered");
    },
    (result) => (outcome = { result, atMs: engine.now }),
  );
  while (!outcome && engine.sim.step());
  return { ...outcome!, served };
}

describe("a reset lost on a cut link", () => {
  it("the next request on the dead connection is refused by the host at once, not timed out", () => {
    const { result, atMs, served } = requestAfterLostReset(30_000);
    expect(served).toBe(false);
    expect(result).toEqual({ ok: false, error: KafkaError.NETWORK_EXCEPTION });
    // a round trip (≈0.5 ms here), where before it took request.timeout.ms = 30 s
    expect(atMs - 8000).toBeLessThan(5);
  });

  it("a broker restarted since does not answer on a connection opened to its previous process", () => {
    const { result, atMs, served } = requestAfterLostReset(2_000);
    expect(served).toBe(false);
    expect(result).toEqual({ ok: false, error: KafkaError.NETWORK_EXCEPTION });
    expect(atMs - 8000).toBeLessThan(5);
  });
});
