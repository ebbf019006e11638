import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { smallScenario, TOPIC } from "../support/engine-scenarios";

// poll() returns at most max.poll.records records, stopping in the middle of a record batch when it
// must (FetchCollector.collectFetch); the next poll goes on from there. The model took whole batches,
// at least one, so with 1 MB batches every poll returned about 2,000 records against a limit of 500,
// and processing time per poll grew with batch.size instead of max.poll.records.
it("polls never exceed max.poll.records, also when one batch holds more, and every record is processed once", () => {
  const engine = new Engine(
    smallScenario({
      durationMs: 20_000,
      rate: 30_000,
      producerConfig: { "linger.ms": 200, "batch.size": 1_048_576 },
      consumerGroups: [{ id: "g", topics: [TOPIC], consumers: 1, processingMsPerRecord: 0.01, config: { "auto.offset.reset": "earliest", "max.poll.records": 500 } }],
    }),
  );
  const consumer = [...engine.consumers.values()][0]!;
  let largest = 0;
  let polls = 0;
  const finishPoll = consumer.finishPoll.bind(consumer);
  let before = 0;
  consumer.finishPoll = () => {
    finishPoll();
    const processed = engine.stats.totals.delivered;
    largest = Math.max(largest, processed - before);
    before = processed;
    polls++;
  };
  engine.run();
  const report = engine.report();
  expect(largest).toBe(500);
  expect(report.processors[0]!.numInputRows / report.processors[0]!.batches).toBeGreaterThan(499);
  expect(report.delivery.duplicatesDelivered).toBe(0);
  expect(polls).toBe(report.processors[0]!.batches);
});
