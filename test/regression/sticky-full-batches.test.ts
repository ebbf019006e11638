import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// batch.size = 16384 holds 81 records of 200 bytes, 16,200 bytes: short of batch.size, so the
// sticky partitioner did not switch, and the 82nd record opened a batch of its own on the same
// partition before the switch. About 40% of null-key batches held one record. Kafka switches at
// the batch boundary (enableSwitch = allBatchesFull): full batches, no one-record tails.
it("records without keys fill whole batches: no one-record batch after each full one", () => {
  const scenario = scenarioSchema.parse({
    name: "sticky", description: "x", duration: 5000,
    cluster: { brokers: 3 },
    topics: [{ name: "t", partitions: 12, replicationFactor: 1 }],
    producers: [{ id: "p", topic: "t", workload: { type: "constant", rate: 50_000 }, keys: { type: "none" }, recordBytes: 200 }],
  });
  const engine = new Engine(scenario);
  engine.run();
  const sizes: number[] = [];
  for (const broker of engine.cluster.brokers.slice(1)) {
    for (const replica of broker!.hostedReplicas()) {
      const store = engine.cluster.partitions[replica.pid]!.store;
      for (let i = 0; i < replica.log.length; i++) sizes.push(store.countOf(replica.log.batchAt(i)));
    }
  }
  const full = sizes.filter((n) => n === 81).length;
  const single = sizes.filter((n) => n === 1).length;
  // (batches that linger.ms closes before the next tick's records are partial; that is linger, not the switch)
  expect(full).toBeGreaterThan(sizes.length * 0.5);
  expect(single).toBeLessThan(sizes.length * 0.01); // it was 28%
  expect(sizes.length).toBeLessThan(4500); // it was 5,533
});
