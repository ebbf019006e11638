import { describe, expect, it } from "vitest";
import { JMX_COLUMNS, formatCpu, formatDelta, stateTone } from "../../renderer/src/panels/jmx";
import { formatBytesRate, formatCount, formatMs } from "../../renderer/src/panels/format";

const col = (key: string) => JMX_COLUMNS.find((c) => c.key === key)!;

describe("panels: broker metrics formatting", () => {
  it("names the columns with Kafka's JMX names and MBeans", () => {
    expect(JMX_COLUMNS.map((c) => c.key)).toEqual([
      "UnderReplicatedPartitions", "IsrShrinksPerSec", "IsrExpandsPerSec", "FailedProduceRequestsPerSec",
      "BytesInPerSec", "BytesOutPerSec", "LeaderCount", "PartitionCount",
    ]);
    expect(col("UnderReplicatedPartitions").mbean).toBe("kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions");
    expect(col("FailedProduceRequestsPerSec").mbean).toBe("kafka.server:type=BrokerTopicMetrics,name=FailedProduceRequestsPerSec");
  });

  it("formats deltas with sign, unit and tone", () => {
    expect(formatDelta(col("UnderReplicatedPartitions"), 6, 0)).toEqual({ text: "+6", tone: "bad" });
    expect(formatDelta(col("UnderReplicatedPartitions"), 0, 6)).toEqual({ text: "−6", tone: "good" });
    expect(formatDelta(col("IsrShrinksPerSec"), 14, 2)).toEqual({ text: "+12", tone: "bad" });
    expect(formatDelta(col("LeaderCount"), 2, 6)).toEqual({ text: "−4", tone: "neutral" });
    expect(formatDelta(col("BytesInPerSec"), 1_250_000, 250_000)).toEqual({ text: "+1 MB/s", tone: "neutral" });
    expect(formatDelta(col("FailedProduceRequestsPerSec"), 3, 3)).toEqual({ text: "±0", tone: "none" });
    expect(formatDelta(col("LeaderCount"), 3, undefined)).toBeNull();
    expect(formatDelta({ worse: "down", format: formatCount }, 5, 9)).toEqual({ text: "−4", tone: "bad" });
  });

  it("formats values", () => {
    expect(formatCount(1234567)).toBe("1.23 M");
    expect(formatCount(12345)).toBe("12,345");
    expect(formatBytesRate(999)).toBe("999 B/s");
    expect(formatBytesRate(1536)).toBe("1.54 kB/s");
    expect(formatMs(0.4213)).toBe("0.42 ms");
    expect(formatMs(1250)).toBe("1.25 s");
    expect(formatMs(null)).toBe("–");
    expect(formatCpu(0.537)).toBe("54 %");
    expect(formatCpu(1.7)).toBe("100 %");
  });

  it("colours broker states", () => {
    expect(stateTone("up")).toBe("ok");
    expect(stateTone("fenced")).toBe("warn");
    expect(stateTone("paused")).toBe("warn");
    expect(stateTone("down")).toBe("bad");
    expect(stateTone("powered-off")).toBe("bad");
  });
});
