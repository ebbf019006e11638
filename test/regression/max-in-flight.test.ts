import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// Requests queued while a connection is being (re)established are not limited by
// max.in.flight.requests.per.connection: when it opens, all of them go at once.
it("a producer never has more than max.in.flight.requests.per.connection requests in flight to a broker", () => {
  const scenario = scenarioSchema.parse({
    name: "in-flight", description: "x", duration: 20_000,
    cluster: { brokers: 3 },
    topics: [{ name: "events", partitions: 3, replicationFactor: 3 }],
    producers: [{ id: "p", topic: "events", workload: { type: "poisson", rate: 3000 }, keys: { type: "uniform", count: 500 },
      config: { acks: "all", "enable.idempotence": false, "max.in.flight.requests.per.connection": 5, "request.timeout.ms": 1000 } }],
    faults: [{ kind: "cut", from: "p", to: "broker-1", at: 3000.5, duration: 2000 }],
  });
  const engine = new Engine(scenario);
  const rpc = () => (engine.producers.get("p") as any).rpc; // test-only peek at the producer's connections
  let most = 0;
  while (engine.now < 20_000 && engine.sim.step()) most = Math.max(most, rpc().inFlight(1));
  // actual: 2260 (every batch that piled up during the 10 s connection setup timeout, sent at once)
  expect(most).toBeLessThanOrEqual(5);
});

// The user-visible consequence: max.in.flight.requests.per.connection = 1 without idempotence
// should keep each partition in order even with retries (Kafka's classic advice), but does not.
it("max.in.flight.requests.per.connection = 1 keeps partitions in order through retries", () => {
  const scenario = scenarioSchema.parse({
    name: "in-flight-order", description: "x", duration: 20_000,
    cluster: { brokers: 3, config: { "min.insync.replicas": 2 } },
    topics: [{ name: "events", partitions: 3, replicationFactor: 3 }],
    producers: [{ id: "p", topic: "events", workload: { type: "poisson", rate: 3000 }, keys: { type: "uniform", count: 500 },
      config: { acks: "all", "enable.idempotence": false, "max.in.flight.requests.per.connection": 1, "request.timeout.ms": 1000 } }],
    faults: [{ kind: "lossy-link", from: "p", to: "broker-1", lossRate: 0.2, at: 3000.5, duration: 10000 }],
  });
  const engine = new Engine(scenario);
  engine.run();
  // actual: outOfOrder === 670
  expect(engine.report().delivery.outOfOrder).toBe(0);
});
