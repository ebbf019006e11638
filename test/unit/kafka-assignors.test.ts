import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  ASSIGNORS,
  assign,
  cooperativeRevocations,
  javaStringHashCode,
  needsFollowUpRebalance,
  type Assignment,
  type AssignorName,
  type GroupMember,
  type TopicPartition,
} from "../../shared/kafka/assignors";

const tp = (topic: string, partition: number): TopicPartition => ({ topic, partition });
const show = (list: readonly TopicPartition[]): string[] => list.map((t) => `${t.topic}-${t.partition}`);

function member(id: string, topics: string[], owned: TopicPartition[] = [], extra: Partial<GroupMember> = {}): GroupMember {
  return { id, topics, owned, ...extra };
}

/** Compare an assignment with an expectation written as "topic-partition" strings per member (order-free). */
function expectAssignment(actual: Assignment, expected: Record<string, string[]>): void {
  const norm = (a: Record<string, readonly string[]>): Record<string, string[]> =>
    Object.fromEntries(Object.entries(a).map(([k, v]) => [k, [...v].sort()]));
  expect(norm(Object.fromEntries(Object.entries(actual).map(([k, v]) => [k, show(v)])))).toEqual(norm(expected));
}

/** Members for the next rebalance: each owns what it was just assigned (generation bumped). */
function carry(members: readonly GroupMember[], result: Assignment, generation?: number): GroupMember[] {
  return members.map((m) => ({ ...m, owned: result[m.id] ?? [], ...(generation === undefined ? {} : { generation }) }));
}

const keyOf = (t: TopicPartition): string => `${t.topic}-${t.partition}`;

/**
 * Run the cooperative protocol to its end: while some member must revoke, it
 * revokes and the group rebalances again (Kafka's CooperativeStickyAssignorTest
 * does the same). Checks that no partition is revoked and handed out in the
 * same round.
 */
function cooperativeToCompletion(
  members: readonly GroupMember[],
  ppt: Record<string, number>,
): { final: Assignment; rounds: number } {
  let current = [...members];
  for (let round = 1; round <= 4; round++) {
    const result = assign("cooperative-sticky", current, ppt);
    const previous = Object.fromEntries(current.map((m) => [m.id, m.owned]));
    const revocations = cooperativeRevocations(previous, result);
    const revoked = new Set(Object.values(revocations).flat().map(keyOf));
    for (const m of current) {
      const owned = new Set(m.owned.map(keyOf));
      for (const t of result[m.id]!) {
        if (!owned.has(keyOf(t))) expect(revoked.has(keyOf(t)), `${keyOf(t)} revoked and reassigned in one round`).toBe(false);
      }
    }
    if (!needsFollowUpRebalance(revocations)) return { final: result, rounds: round };
    current = carry(current, result);
  }
  throw new Error("cooperative rebalancing did not settle within 4 rounds");
}

/** Every partition of every subscribed topic assigned exactly once, only to a subscriber. */
function expectValid(members: readonly GroupMember[], ppt: Record<string, number>, result: Assignment, atMostOnce = false): void {
  expect(Object.keys(result).sort()).toEqual(members.map((m) => m.id).sort());
  const seen = new Map<string, string>();
  for (const m of members) {
    for (const t of result[m.id]!) {
      expect(m.topics).toContain(t.topic);
      expect(t.partition).toBeGreaterThanOrEqual(0);
      expect(t.partition).toBeLessThan(ppt[t.topic]!);
      expect(seen.has(keyOf(t)), `${keyOf(t)} assigned twice`).toBe(false);
      seen.set(keyOf(t), m.id);
    }
  }
  if (atMostOnce) return;
  const subscribed = new Set(members.flatMap((m) => m.topics));
  let expected = 0;
  for (const [topic, n] of Object.entries(ppt)) if (subscribed.has(topic)) expected += n;
  expect(seen.size).toBe(expected);
}

function counts(result: Assignment): number[] {
  return Object.values(result).map((l) => l.length);
}

function spread(result: Assignment): number {
  const c = counts(result);
  return c.length === 0 ? 0 : Math.max(...c) - Math.min(...c);
}

/**
 * AbstractStickyAssignorTest.verifyValidityAndBalance: two members whose counts
 * differ by more than one share no topic among their assigned partitions.
 */
function expectKafkaBalance(result: Assignment): void {
  const ids = Object.keys(result).sort();
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const a = result[ids[i]!]!;
      const b = result[ids[j]!]!;
      if (Math.abs(a.length - b.length) <= 1) continue;
      const bTopics = new Set(b.map((t) => t.topic));
      for (const t of a) expect(bTopics.has(t.topic), `${ids[i]} and ${ids[j]} could be balanced on ${t.topic}`).toBe(false);
    }
  }
}

describe("member ordering helpers", () => {
  it("hashes strings like Java's String.hashCode", () => {
    expect(javaStringHashCode("")).toBe(0);
    expect(javaStringHashCode("hello")).toBe(99162322);
    expect(javaStringHashCode("consumer1")).toBe(-421004549);
    expect(javaStringHashCode("polygenelubricants")).toBe(-2147483648);
  });
});

describe("range assignor (RangeAssignorTest)", () => {
  it("gives the first members one extra partition", () => {
    const r = assign("range", [member("c0", ["t"]), member("c1", ["t"])], { t: 3 });
    expectAssignment(r, { c0: ["t-0", "t-1"], c1: ["t-2"] });
  });

  it("handles no topics, nonexistent topics and unsubscribed topics", () => {
    expectAssignment(assign("range", [member("consumer", [])], {}), { consumer: [] });
    expectAssignment(assign("range", [member("consumer", ["topic1"])], {}), { consumer: [] });
    expectAssignment(assign("range", [member("consumer", ["topic1"])], { topic1: 3, other: 3 }), {
      consumer: ["topic1-0", "topic1-1", "topic1-2"],
    });
  });

  it("testTwoConsumersOneTopicOnePartition / TwoPartitions", () => {
    expectAssignment(assign("range", [member("consumer1", ["topic1"]), member("consumer2", ["topic1"])], { topic1: 1 }), {
      consumer1: ["topic1-0"],
      consumer2: [],
    });
    expectAssignment(assign("range", [member("consumer1", ["topic1"]), member("consumer2", ["topic1"])], { topic1: 2 }), {
      consumer1: ["topic1-0"],
      consumer2: ["topic1-1"],
    });
  });

  it("testMultipleConsumersMixedTopics", () => {
    const r = assign(
      "range",
      [member("consumer1", ["topic1"]), member("consumer2", ["topic1", "topic2"]), member("consumer3", ["topic1"])],
      { topic1: 3, topic2: 2 },
    );
    expectAssignment(r, { consumer1: ["topic1-0"], consumer2: ["topic1-1", "topic2-0", "topic2-1"], consumer3: ["topic1-2"] });
  });

  it("testTwoConsumersTwoTopicsSixPartitions", () => {
    const r = assign("range", [member("consumer1", ["topic1", "topic2"]), member("consumer2", ["topic1", "topic2"])], {
      topic1: 3,
      topic2: 3,
    });
    expectAssignment(r, { consumer1: ["topic1-0", "topic1-1", "topic2-0", "topic2-1"], consumer2: ["topic1-2", "topic2-2"] });
  });

  it("orders static members by group.instance.id, ahead of dynamic members", () => {
    const ppt = { topic1: 3, topic2: 3 };
    const both = ["topic1", "topic2"];
    const expected = { "consumer-b": ["topic1-0", "topic1-1", "topic2-0", "topic2-1"], "consumer-a": ["topic1-2", "topic2-2"] };
    expectAssignment(
      assign("range", [member("consumer-b", both, [], { groupInstanceId: "instance1" }), member("consumer-a", both, [], { groupInstanceId: "instance2" })], ppt),
      expected,
    );
    expectAssignment(assign("range", [member("consumer-b", both, [], { groupInstanceId: "instance1" }), member("consumer-a", both)], ppt), expected);
  });

  it("testStaticMemberRangeAssignmentPersistent", () => {
    const both = ["topic1", "topic2"];
    const statics = [1, 2, 3].map((i) => member(`consumer${i}`, both, [], { groupInstanceId: `instance${i}` }));
    const ppt = { topic1: 5, topic2: 4 };
    const expected = {
      consumer1: ["topic1-0", "topic1-1", "topic2-0"],
      consumer2: ["topic1-2", "topic2-1"],
      consumer3: ["topic1-3", "topic2-2"],
    };
    expectAssignment(assign("range", [...statics, member("consumer4", both)], ppt), { ...expected, consumer4: ["topic1-4", "topic2-3"] });
    expectAssignment(assign("range", [...statics, member("consumer5", both)], ppt), { ...expected, consumer5: ["topic1-4", "topic2-3"] });
  });
});

describe("roundrobin assignor (RoundRobinAssignorTest)", () => {
  it("deals partitions in turn", () => {
    const r = assign("roundrobin", [member("c0", ["t"]), member("c1", ["t"])], { t: 3 });
    expectAssignment(r, { c0: ["t-0", "t-2"], c1: ["t-1"] });
  });

  it("testOneConsumerMultipleTopics", () => {
    expectAssignment(assign("roundrobin", [member("consumer", ["topic1", "topic2"])], { topic1: 1, topic2: 2 }), {
      consumer: ["topic1-0", "topic2-0", "topic2-1"],
    });
  });

  it("testMultipleConsumersMixedTopics: unsubscribed members lose their turn", () => {
    const r = assign(
      "roundrobin",
      [member("consumer1", ["topic1"]), member("consumer2", ["topic1", "topic2"]), member("consumer3", ["topic1"])],
      { topic1: 3, topic2: 2 },
    );
    expectAssignment(r, { consumer1: ["topic1-0"], consumer2: ["topic1-1", "topic2-0", "topic2-1"], consumer3: ["topic1-2"] });
  });

  it("testTwoDynamicConsumersTwoTopicsSixPartitions", () => {
    const both = ["topic1", "topic2"];
    const r = assign("roundrobin", [member("consumer1", both), member("consumer2", both)], { topic1: 3, topic2: 3 });
    expectAssignment(r, { consumer1: ["topic1-0", "topic1-2", "topic2-1"], consumer2: ["topic1-1", "topic2-0", "topic2-2"] });
  });

  it("testStaticMemberRoundRobinAssignmentPersistent", () => {
    const both = ["topic1", "topic2"];
    const statics = [1, 2, 3].map((i) => member(`consumer${i}`, both, [], { groupInstanceId: `instance${i}` }));
    const ppt = { topic1: 3, topic2: 3 };
    const expected = { consumer1: ["topic1-0", "topic2-1"], consumer2: ["topic1-1", "topic2-2"], consumer3: ["topic1-2"] };
    expectAssignment(assign("roundrobin", [...statics, member("consumer4", both)], ppt), { ...expected, consumer4: ["topic2-0"] });
    expectAssignment(assign("roundrobin", [...statics, member("consumer5", both)], ppt), { ...expected, consumer5: ["topic2-0"] });
  });

  it("testStaticMemberRoundRobinAssignmentPersistentAfterMemberIdChanges", () => {
    const both = ["topic1", "topic2"];
    const ppt = { topic1: 5, topic2: 5 };
    const byInstance = (ids: string[]): Record<string, string[]> => {
      const members = ids.map((id, i) => member(id, both, [], { groupInstanceId: `instance${i + 1}` }));
      const r = assign("roundrobin", members, ppt);
      return Object.fromEntries(members.map((m) => [m.groupInstanceId!, show(r[m.id]!).sort()]));
    };
    const expected = {
      instance1: ["topic1-0", "topic1-3", "topic2-1", "topic2-4"],
      instance2: ["topic1-1", "topic1-4", "topic2-2"],
      instance3: ["topic1-2", "topic2-0", "topic2-3"],
    };
    expect(byInstance(["consumer1", "consumer2", "consumer3"])).toEqual(expected);
    expect(byInstance(["consumer1", "consumer5", "consumer4"])).toEqual(expected);
  });
});

describe("sticky assignors (AbstractStickyAssignorTest, StickyAssignorTest, CooperativeStickyAssignorTest)", () => {
  for (const strategy of ["sticky", "cooperative-sticky"] as const) {
    describe(strategy, () => {
      it("testOneConsumerOneTopic / testOnlyAssignsPartitionsFromSubscribedTopics", () => {
        expectAssignment(assign(strategy, [member("consumer", ["topic"])], { topic: 3 }), { consumer: ["topic-0", "topic-1", "topic-2"] });
        const owned = [tp("topic", 0), tp("topic", 1), tp("other", 0), tp("other", 1)];
        expectAssignment(assign(strategy, [member("consumer", ["topic"], owned, { generation: 1 })], { topic: 2 }), {
          consumer: ["topic-0", "topic-1"],
        });
      });

      it("testTwoConsumersTwoTopicsSixPartitions", () => {
        const both = ["topic1", "topic2"];
        const r = assign(strategy, [member("consumer1", both), member("consumer2", both)], { topic1: 3, topic2: 3 });
        expectAssignment(r, { consumer1: ["topic1-0", "topic1-2", "topic2-1"], consumer2: ["topic1-1", "topic2-0", "topic2-2"] });
      });

      it("testMultipleConsumersMixedTopicSubscriptions (general case)", () => {
        const r = assign(
          strategy,
          [member("consumer1", ["topic1"]), member("consumer2", ["topic1", "topic2"]), member("consumer3", ["topic1"])],
          { topic1: 3, topic2: 2 },
        );
        expectAssignment(r, { consumer1: ["topic1-0", "topic1-2"], consumer2: ["topic2-0", "topic2-1"], consumer3: ["topic1-1"] });
      });

      it("testConsumerOwningMinQuotaExpectedMaxQuota", () => {
        const both = ["topic1", "topic2"];
        const r = assign(
          strategy,
          [
            member("consumer1", both, [tp("topic1", 0), tp("topic2", 1)], { generation: 1 }),
            member("consumer2", both, [tp("topic1", 1), tp("topic2", 2)], { generation: 1 }),
          ],
          { topic1: 2, topic2: 3 },
        );
        expectAssignment(r, { consumer1: ["topic1-0", "topic2-1", "topic2-0"], consumer2: ["topic1-1", "topic2-2"] });
      });

      it("testAllConsumersAreUnderMinQuota", () => {
        const both = ["topic1", "topic2"];
        const r = assign(
          strategy,
          [
            member("consumer1", both, [tp("topic1", 0)], { generation: 1 }),
            member("consumer2", both, [tp("topic1", 1)], { generation: 1 }),
            member("consumer3", both, [], { generation: 1 }),
          ],
          { topic1: 2, topic2: 3 },
        );
        expectAssignment(r, { consumer1: ["topic1-0", "topic2-1"], consumer2: ["topic1-1", "topic2-2"], consumer3: ["topic2-0"] });
      });

      it("testAllConsumersReachExpectedQuotaAndAreConsideredFilled", () => {
        const r = assign(
          strategy,
          [
            member("consumer1", ["topic"], [tp("topic", 0), tp("topic", 1)], { generation: 1 }),
            member("consumer2", ["topic"], [tp("topic", 2)], { generation: 1 }),
            member("consumer3", ["topic"], [], { generation: 1 }),
          ],
          { topic: 4 },
        );
        expectAssignment(r, { consumer1: ["topic-0", "topic-1"], consumer2: ["topic-2"], consumer3: ["topic-3"] });
      });

      it("testOwnedPartitionsAreInvalidatedForConsumerWithStaleGeneration / NoGeneration", () => {
        const both = ["topic", "topic2"];
        const owned = [tp("topic", 0), tp("topic", 2), tp("topic2", 1)];
        for (const stale of [9, -1, undefined]) {
          const r = assign(
            strategy,
            [
              member("consumer1", both, owned, { generation: 10 }),
              member("consumer2", both, owned, stale === undefined ? {} : { generation: stale }),
            ],
            { topic: 3, topic2: 3 },
          );
          expectAssignment(r, { consumer1: ["topic-0", "topic-2", "topic2-1"], consumer2: ["topic-1", "topic2-0", "topic2-2"] });
        }
      });

      it("testEnsurePartitionsAssignedToHighestGeneration", () => {
        const all3 = ["topic", "topic2", "topic3"];
        const r = assign(
          strategy,
          [
            member("consumer1", all3, [tp("topic", 0), tp("topic2", 0), tp("topic3", 0)], { generation: 10 }),
            member("consumer2", all3, [tp("topic", 1), tp("topic2", 1), tp("topic3", 1)], { generation: 9 }),
            member("consumer3", all3, [tp("topic2", 1), tp("topic3", 0), tp("topic3", 2)], { generation: 8 }),
          ],
          { topic: 3, topic2: 3, topic3: 3 },
        );
        expectAssignment(r, {
          consumer1: ["topic-0", "topic2-0", "topic3-0"],
          consumer2: ["topic-1", "topic2-1", "topic3-1"],
          consumer3: ["topic-2", "topic2-2", "topic3-2"],
        });
      });

      it("testNoReassignmentOnCurrentMembers", () => {
        const all4 = ["topic", "topic2", "topic3", "topic1"];
        const r = assign(
          strategy,
          [
            member("consumer1", all4, [], { generation: -1 }),
            member("consumer2", all4, [tp("topic", 0), tp("topic2", 0), tp("topic1", 0)], { generation: 9 }),
            member("consumer3", all4, [tp("topic3", 2), tp("topic2", 2), tp("topic1", 1)], { generation: 8 }),
            member("consumer4", all4, [tp("topic3", 1), tp("topic", 1), tp("topic", 2)], { generation: 7 }),
          ],
          { topic: 3, topic1: 3, topic2: 3, topic3: 3 },
        );
        expect(show(r.consumer1!).sort()).toEqual(["topic1-2", "topic2-1", "topic3-0"]);
        expect(spread(r)).toBe(0);
      });

      it("testOwnedPartitionsAreInvalidatedForConsumerWithMultipleGeneration", () => {
        const both = ["topic", "topic2"];
        const r = assign(
          strategy,
          [
            member("consumer1", both, [tp("topic", 0), tp("topic2", 1), tp("topic", 1)], { generation: 10 }),
            member("consumer2", both, [tp("topic", 0), tp("topic2", 1), tp("topic2", 2)], { generation: 8 }),
          ],
          { topic: 3, topic2: 3 },
        );
        expectAssignment(r, { consumer1: ["topic-0", "topic2-1", "topic-1"], consumer2: ["topic-2", "topic2-2", "topic2-0"] });
      });

      it("testAssignmentWithConflictingPreviousGenerations", () => {
        for (const equal of [true, false]) {
          const all3 = ["topic", "topic2", "topic3"];
          const t = (name: string, p: number): TopicPartition => tp(name, p);
          const c1 = equal
            ? [t("topic", 0), t("topic", 1), t("topic", 2), t("topic2", 2), t("topic2", 3), t("topic3", 0)]
            : [t("topic", 0), t("topic", 1), t("topic", 2), t("topic", 3)];
          const c2 = [t("topic", 0), t("topic", 1), t("topic2", 0), t("topic2", 1), t("topic2", 2), t("topic2", 3)];
          const c3 = [t("topic", 2), t("topic", 3), t("topic3", 0), t("topic3", 1), t("topic3", 2), t("topic3", 3)];
          const members = [
            member("consumer1", equal ? all3 : ["topic"], c1, { generation: 1 }),
            member("consumer2", equal ? all3 : ["topic", "topic2"], c2, { generation: 2 }),
            member("consumer3", all3, c3, { generation: 2 }),
          ];
          const ppt = { topic: 4, topic2: 4, topic3: 4 };
          const r = strategy === "sticky" ? assign(strategy, members, ppt) : cooperativeToCompletion(members, ppt).final;
          expectValid(members, ppt, r);
          expect(counts(r)).toEqual([4, 4, 4]);
          if (strategy === "sticky") {
            expect(c2.map(keyOf)).toEqual(expect.arrayContaining(r.consumer2!.map(keyOf)));
            expect(c3.map(keyOf)).toEqual(expect.arrayContaining(r.consumer3!.map(keyOf)));
          }
        }
      });

      it("testPoorRoundRobinAssignmentScenario", () => {
        const ppt: Record<string, number> = {};
        for (let i = 1; i <= 5; i++) ppt[`topic${i}`] = (i % 2) + 1;
        const all5 = ["topic1", "topic2", "topic3", "topic4", "topic5"];
        const odd = ["topic1", "topic3", "topic5"];
        const members = [member("consumer1", all5), member("consumer2", odd), member("consumer3", odd), member("consumer4", all5)];
        const r = assign(strategy, members, ppt);
        expectValid(members, ppt, r);
        expectKafkaBalance(r);
        expect(spread(r)).toBe(0);
      });

      it("testReassignmentAfterOneConsumerLeaves (general case)", () => {
        const name = (prefix: string, i: number): string => `${prefix}${String(i).padStart(2, "0")}`;
        const ppt: Record<string, number> = {};
        for (let i = 1; i < 20; i++) ppt[name("topic", i)] = i;
        let members: GroupMember[] = [];
        for (let i = 1; i < 20; i++) {
          const topics: string[] = [];
          for (let j = 1; j <= i; j++) topics.push(name("topic", j));
          members.push(member(name("consumer", i), topics));
        }
        const first = strategy === "sticky" ? assign(strategy, members, ppt) : cooperativeToCompletion(members, ppt).final;
        expectValid(members, ppt, first);
        expectKafkaBalance(first);
        members = carry(members, first, 1).filter((m) => m.id !== "consumer10");
        const second = strategy === "sticky" ? assign(strategy, members, ppt) : cooperativeToCompletion(members, ppt).final;
        expectValid(members, ppt, second);
        expectKafkaBalance(second);
      });
    });
  }

  it("sticky: testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers (HashMap order decides who keeps two)", () => {
    const both = ["topic1", "topic2"];
    const members = [
      member("consumer1", both, [tp("topic1", 0), tp("topic2", 0)], { generation: 1 }),
      member("consumer2", both, [tp("topic1", 1), tp("topic2", 1)], { generation: 1 }),
      member("consumer3", both, [], { generation: 1 }),
    ];
    const ppt = { topic1: 2, topic2: 2 };
    expectAssignment(assign("sticky", members, ppt), {
      consumer1: ["topic1-0"],
      consumer2: ["topic1-1", "topic2-1"],
      consumer3: ["topic2-0"],
    });
    // cooperative: topic2-0 changes owner, so it is withheld until consumer1 has revoked it
    const round1 = assign("cooperative-sticky", members, ppt);
    expectAssignment(round1, { consumer1: ["topic1-0"], consumer2: ["topic1-1", "topic2-1"], consumer3: [] });
    const revocations = cooperativeRevocations(Object.fromEntries(members.map((m) => [m.id, m.owned])), round1);
    expectAssignment(revocations, { consumer1: ["topic2-0"], consumer2: [], consumer3: [] });
    expect(needsFollowUpRebalance(revocations)).toBe(true);
    const round2 = assign("cooperative-sticky", carry(members, round1, 2), ppt);
    expectAssignment(round2, { consumer1: ["topic1-0"], consumer2: ["topic1-1", "topic2-1"], consumer3: ["topic2-0"] });
    expect(needsFollowUpRebalance(cooperativeRevocations(round1, round2))).toBe(false);
  });

  it("a partition claimed by two members of one generation goes to one member (zombie)", () => {
    const members = (): GroupMember[] => [
      member("consumer1", ["topic"], [tp("topic", 0), tp("topic", 1)], { generation: 1 }),
      member("consumer2", ["topic"], [tp("topic", 0), tp("topic", 2)], { generation: 1 }),
      member("consumer3", ["topic"], [], { generation: 1 }),
    ];
    // StickyAssignorTest: the doubly claimed partition is invalidated and reassigned
    expectAssignment(assign("sticky", members(), { topic: 3 }), { consumer1: ["topic-1"], consumer2: ["topic-2"], consumer3: ["topic-0"] });
    expectAssignment(assign("sticky", members(), { topic: 4 }), {
      consumer1: ["topic-1", "topic-3"],
      consumer2: ["topic-2"],
      consumer3: ["topic-0"],
    });
    // CooperativeStickyAssignorTest: withheld until both claimants revoked it
    expectAssignment(assign("cooperative-sticky", members(), { topic: 3 }), { consumer1: ["topic-1"], consumer2: ["topic-2"], consumer3: [] });
    expectAssignment(assign("cooperative-sticky", members(), { topic: 4 }), {
      consumer1: ["topic-1", "topic-3"],
      consumer2: ["topic-2"],
      consumer3: [],
    });
    const done = cooperativeToCompletion(members(), { topic: 3 });
    expect(done.rounds).toBe(2);
    expectAssignment(done.final, { consumer1: ["topic-1"], consumer2: ["topic-2"], consumer3: ["topic-0"] });
  });

  it("testAddRemoveConsumerOneTopic", () => {
    const ppt = { topic: 3 };
    let r = assign("sticky", [member("consumer1", ["topic"])], ppt);
    expectAssignment(r, { consumer1: ["topic-0", "topic-1", "topic-2"] });
    r = assign("sticky", [member("consumer1", ["topic"], r.consumer1, { generation: 1 }), member("consumer2", ["topic"], [], { generation: 1 })], ppt);
    expectAssignment(r, { consumer1: ["topic-0", "topic-1"], consumer2: ["topic-2"] });
    r = assign("sticky", [member("consumer2", ["topic"], r.consumer2, { generation: 1 })], ppt);
    expectAssignment(r, { consumer2: ["topic-0", "topic-1", "topic-2"] });
  });

  it("testAddRemoveTwoConsumersTwoTopics", () => {
    const both = ["topic1", "topic2"];
    const ppt = { topic1: 3, topic2: 4 };
    let r = assign("sticky", [member("consumer1", both), member("consumer2", both)], ppt);
    expectAssignment(r, { consumer1: ["topic1-0", "topic1-2", "topic2-1", "topic2-3"], consumer2: ["topic1-1", "topic2-0", "topic2-2"] });
    const four = [
      member("consumer1", both, r.consumer1, { generation: 1 }),
      member("consumer2", both, r.consumer2, { generation: 1 }),
      member("consumer3", both, [], { generation: 1 }),
      member("consumer4", both, [], { generation: 1 }),
    ];
    r = assign("sticky", four, ppt);
    expectAssignment(r, {
      consumer1: ["topic1-0", "topic2-1"],
      consumer2: ["topic2-0", "topic1-1"],
      consumer3: ["topic1-2", "topic2-3"],
      consumer4: ["topic2-2"],
    });
    // cooperative round 1 withholds exactly Kafka's partitionsTransferringOwnership {t1-2, t2-3 -> c3, t2-2 -> c4}
    expectAssignment(assign("cooperative-sticky", four, ppt), {
      consumer1: ["topic1-0", "topic2-1"],
      consumer2: ["topic2-0", "topic1-1"],
      consumer3: [],
      consumer4: [],
    });
    r = assign("sticky", [member("consumer3", both, r.consumer3, { generation: 1 }), member("consumer4", both, r.consumer4, { generation: 1 })], ppt);
    expectAssignment(r, { consumer3: ["topic1-2", "topic2-3", "topic1-0", "topic2-1"], consumer4: ["topic2-2", "topic1-1", "topic2-0"] });
  });

  it("testAssignmentWithMultipleGenerations1", () => {
    for (const equal of [true, false]) {
      const all = ["topic", "topic2"];
      const c2topics = equal ? all : ["topic"];
      const ppt = { topic: 6, topic2: 6 };
      const r1 = assign("sticky", [member("consumer1", all), member("consumer2", c2topics), member("consumer3", all)], ppt);
      expect(counts(r1)).toEqual([4, 4, 4]);
      const m2 = [member("consumer1", all, r1.consumer1, { generation: 1 }), member("consumer2", c2topics, r1.consumer2, { generation: 1 })];
      const r2 = assign("sticky", m2, ppt);
      expect(counts(r2)).toEqual([6, 6]);
      if (equal) expect(r2.consumer1!.map(keyOf)).toEqual(expect.arrayContaining(r1.consumer1!.map(keyOf)));
      expect(r2.consumer2!.map(keyOf)).toEqual(expect.arrayContaining(r1.consumer2!.map(keyOf)));
      const m3 = [member("consumer2", c2topics, r2.consumer2, { generation: 2 }), member("consumer3", all, r1.consumer3, { generation: 1 })];
      const r3 = assign("sticky", m3, ppt);
      expectValid(m3, ppt, r3);
      expect(counts(r3)).toEqual([6, 6]);
    }
  });

  it("testAssignmentWithMultipleGenerations2", () => {
    for (const equal of [true, false]) {
      const all = ["topic", "topic2", "topic3"];
      const c1topics = equal ? all : ["topic"];
      const c3topics = equal ? all : ["topic", "topic2"];
      const ppt = { topic: 4, topic2: 4, topic3: 4 };
      const r1 = assign("sticky", [member("consumer1", c1topics), member("consumer2", all), member("consumer3", c3topics)], ppt);
      expect(counts(r1)).toEqual([4, 4, 4]);
      const r2 = assign("sticky", [member("consumer2", all, r1.consumer2, { generation: 1 })], ppt);
      expect(r2.consumer2!.length).toBe(12);
      const m3 = [
        member("consumer1", c1topics, r1.consumer1, { generation: 1 }),
        member("consumer2", all, r2.consumer2, { generation: 2 }),
        member("consumer3", c3topics, r1.consumer3, { generation: 1 }),
      ];
      const r3 = assign("sticky", m3, ppt);
      expectValid(m3, ppt, r3);
      expect(counts(r3)).toEqual([4, 4, 4]);
    }
  });

  it("testStickiness: removing the group leader keeps the others' partitions", () => {
    const ppt = { topic1: 3 };
    const four = [1, 2, 3, 4].map((i) => member(`consumer${i}`, ["topic1"]));
    const r1 = assign("sticky", four, ppt);
    expect(Math.max(...counts(r1))).toBe(1);
    const rest = carry(four, r1, 1).filter((m) => m.id !== "consumer1");
    const r2 = assign("sticky", rest, ppt);
    for (const m of rest) {
      expect(r2[m.id]!.length).toBe(1);
      for (const t of m.owned) expect(show(r2[m.id]!)).toContain(keyOf(t));
    }
  });

  it("testAssignmentUpdatedForDeletedTopic / testNoExceptionThrownWhenOnlySubscribedTopicDeleted", () => {
    const r = assign("sticky", [member("consumer", ["topic1", "topic2", "topic3"])], { topic1: 1, topic3: 100 });
    expect(r.consumer!.length).toBe(101);
    const owned = [tp("topic", 0), tp("topic", 1), tp("topic", 2)];
    for (const s of ["sticky", "cooperative-sticky"] as const) {
      expectAssignment(assign(s, [member("consumer", ["topic"], owned, { generation: 1 })], {}), { consumer: [] });
    }
  });
});

describe("cooperativeRevocations", () => {
  it("lists what each member owned and no longer has", () => {
    const previous = { a: [tp("t", 0), tp("t", 1)], b: [tp("t", 2)], gone: [tp("t", 3)] };
    const next = { a: [tp("t", 0)], b: [tp("t", 2), tp("t", 3)], c: [] };
    expectAssignment(cooperativeRevocations(previous, next), { a: ["t-1"], b: [], c: [] });
    expect(needsFollowUpRebalance(cooperativeRevocations(previous, next))).toBe(true);
    expect(needsFollowUpRebalance(cooperativeRevocations(next, next))).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// properties

const TOPICS = ["a", "b", "c", "d"];

/** A group: partition counts, members with random subscriptions and random (possibly conflicting) ownership. */
const groupArb = (sameTopics: boolean) =>
  fc
    .record({
      counts: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: TOPICS.length, maxLength: TOPICS.length }),
      ids: fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{1,8}$/), { minLength: 1, maxLength: 7 }),
      shared: fc.subarray(TOPICS, { minLength: 1 }),
      seed: fc.infiniteStream(fc.nat()),
    })
    .map(({ counts, ids, shared, seed }) => {
      const ppt: Record<string, number> = {};
      TOPICS.forEach((t, i) => (ppt[t] = counts[i]!));
      const draws = seed[Symbol.iterator]();
      const next = (n: number): number => (draws.next().value as number) % n;
      const members: GroupMember[] = ids.map((id) => {
        const topics = sameTopics ? shared : TOPICS.filter(() => next(2) === 0);
        const owned: TopicPartition[] = [];
        for (const t of TOPICS) for (let p = 0; p < 10; p++) if (next(6) === 0) owned.push(tp(t, p));
        return member(id, topics.length > 0 ? topics : [TOPICS[next(TOPICS.length)]!], owned, next(3) === 0 ? {} : { generation: next(3) });
      });
      return { ppt, members };
    });

describe("assignor properties", () => {
  it("every partition of a subscribed topic is assigned exactly once, to a subscriber", () => {
    fc.assert(
      fc.property(groupArb(false), fc.constantFrom<AssignorName>(...ASSIGNORS), ({ ppt, members }, strategy) => {
        const r = assign(strategy, members, ppt);
        expectValid(members, ppt, r, strategy === "cooperative-sticky");
        if (strategy === "cooperative-sticky") expectValid(members, ppt, cooperativeToCompletion(members, ppt).final);
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic and independent of the members' array order for range and roundrobin", () => {
    fc.assert(
      fc.property(groupArb(false), fc.constantFrom<AssignorName>("range", "roundrobin"), ({ ppt, members }, strategy) => {
        expect(assign(strategy, [...members].reverse(), ppt)).toEqual(assign(strategy, members, ppt));
      }),
    );
  });

  it("sticky assignors balance to within one when all subscribe to the same topics", () => {
    fc.assert(
      fc.property(groupArb(true), ({ ppt, members }) => {
        const eager = assign("sticky", members, ppt);
        expectValid(members, ppt, eager);
        expect(spread(eager)).toBeLessThanOrEqual(1);
        const coop = cooperativeToCompletion(members, ppt).final;
        expectValid(members, ppt, coop);
        expect(spread(coop)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it("sticky assignors balance as Kafka's tests demand with mixed subscriptions", () => {
    fc.assert(
      fc.property(groupArb(false), ({ ppt, members }) => {
        expectKafkaBalance(assign("sticky", members, ppt));
        expectKafkaBalance(cooperativeToCompletion(members, ppt).final);
      }),
      { numRuns: 200 },
    );
  });

  it("removing a member moves only that member's partitions", () => {
    fc.assert(
      fc.property(groupArb(true), fc.nat(), ({ ppt, members }, pick) => {
        fc.pre(members.length >= 2);
        const fresh = members.map((m) => member(m.id, [...m.topics]));
        const before = assign("sticky", fresh, ppt);
        const gone = fresh[pick % fresh.length]!.id;
        const rest = carry(fresh, before, 1).filter((m) => m.id !== gone);
        for (const strategy of ["sticky", "cooperative-sticky"] as const) {
          const after = assign(strategy, rest, ppt);
          for (const m of rest) expect(show(after[m.id]!)).toEqual(expect.arrayContaining(show(m.owned)));
          expect(needsFollowUpRebalance(cooperativeRevocations(before, after))).toBe(false);
          expectValid(rest, ppt, after);
          expect(spread(after)).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("adding a member moves only what the new member needs", () => {
    fc.assert(
      fc.property(groupArb(true), ({ ppt, members }) => {
        fc.pre(members.length >= 2);
        const fresh = members.map((m) => member(m.id, [...m.topics]));
        const [newcomer, ...old] = fresh;
        const before = assign("sticky", old, ppt);
        const grown = [...carry(old, before, 1), { ...newcomer!, generation: 1 }];
        const after = assign("sticky", grown, ppt);
        expectValid(grown, ppt, after);
        expect(spread(after)).toBeLessThanOrEqual(1);
        let moved = 0;
        for (const m of old) {
          const kept = new Set(show(after[m.id]!));
          // an existing member never gains a partition, it only gives some up
          expect(show(before[m.id]!)).toEqual(expect.arrayContaining([...kept]));
          moved += before[m.id]!.length - kept.size;
        }
        expect(moved).toBe(after[newcomer!.id]!.length);
        let total = 0;
        for (const t of newcomer!.topics) total += ppt[t]!;
        expect(moved).toBeLessThanOrEqual(Math.ceil(total / grown.length));

        // cooperative: round 1 gives the newcomer nothing that someone else still owns
        const round1 = assign("cooperative-sticky", grown, ppt);
        expect(round1[newcomer!.id]).toEqual([]);
        const done = cooperativeToCompletion(grown, ppt);
        expect(done.rounds).toBeLessThanOrEqual(2);
        expect(done.final).toEqual(after);
      }),
      { numRuns: 300 },
    );
  });

  it("stays valid and balanced when subscriptions change (general case)", () => {
    fc.assert(
      fc.property(groupArb(false), groupArb(false), ({ ppt, members }, { members: later }) => {
        const first = assign("sticky", members, ppt);
        // same ids, new random subscriptions, owning what they were just given
        const next = members.map((m, i) => ({ ...m, topics: later[i % later.length]!.topics, owned: first[m.id]!, generation: 5 }));
        const second = assign("sticky", next, ppt);
        expectValid(next, ppt, second);
        expectKafkaBalance(second);
      }),
      { numRuns: 200 },
    );
  });
});
