import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// A command given at a time when other events are also due (here a producer's linger tick, every 5 ms)
// replays before those events instead of after them, so the replay diverges.
it("a loadFactor command at t = 6500 ms replays to the identical report", () => {
  const scenario = scenarioSchema.parse({
    name: "replay", description: "x", duration: 10_000,
    cluster: { brokers: 3 },
    topics: [{ name: "events", partitions: 3, replicationFactor: 3 }],
    producers: [{ id: "p", topic: "events", workload: { type: "poisson", rate: 2000 } }],
  });
  const live = new Engine(scenario);
  live.runUntil(6_500);
  live.command({ type: "loadFactor", producer: "p", factor: 1.5 });
  live.run();
  const replay = new Engine(scenario, { actions: live.actionLog });
  replay.run();
  // actual: produced.attempted differs (the replayed command runs before the producer's tick at 6500)
  expect(replay.report().produced).toEqual(live.report().produced);
});
