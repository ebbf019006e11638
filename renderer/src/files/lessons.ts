/**
 * The scenarios shipped in sims/, bundled as text so a lesson opens in one
 * click without a file dialog. Each lists its name and the first sentence of
 * its description; the engine parses and validates the text on open.
 */
import { parse } from "yaml";

export interface Lesson {
  name: string;
  fileName: string;
  title: string;
  summary: string;
  yaml: string;
}

const files = import.meta.glob("../../../sims/*.yaml", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

/** Lessons first, in teaching order; experiments (large clusters) after. */
const ORDER = ["iot-baseline", "acks-1-leader-crash", "acks-all-leader-crash", "unclean-election", "consumer-rebalance", "consumer-stall", "hot-key", "retention", "controller-failover", "slow-disk", "slow-sink", "sink-outage"];

/** What a teacher reads on the card; the file's own description is the fallback. */
const CARDS: Record<string, { title: string; summary: string }> = {
  "iot-baseline": { title: "A healthy pipeline", summary: "3 brokers, 12 partitions, 53k sensor readings a second, one consumer group. Nothing breaks: the baseline." },
  "acks-1-leader-crash": { title: "acks=1: a leader crash loses data", summary: "The leader of iot_stream-0 crashes at t=20 s. What it acknowledged but had not replicated is gone." },
  "acks-all-leader-crash": { title: "acks=all survives a leader crash", summary: "The same crash with acks=all and min.insync.replicas=2: slower, and nothing acknowledged is lost." },
  "unclean-election": { title: "Unclean leader election", summary: "An out-of-sync replica becomes leader: the partition stays available and acknowledged writes vanish." },
  "consumer-rebalance": { title: "Consumer group rebalance", summary: "A member dies silently; after session.timeout.ms the group rebalances and re-delivers records." },
  "consumer-stall": { title: "A consumer freezes, a consumer stalls", summary: "A GC-like pause stops heartbeats (session.timeout.ms notices); a stalled application thread does not (max.poll.interval.ms does)." },
  "hot-key": { title: "A hot key", summary: "Half the readings start carrying one key: murmur2 sends them all to one partition, its consumer falls behind, and more consumers would not help." },
  retention: { title: "Retention is a deadline", summary: "The topic keeps 30 s of data; a consumer that reads half as fast falls behind the log start and skips what was deleted. Deleted is not lost." },
  "controller-failover": { title: "The controller fails over", summary: "Three KRaft controllers: the active one crashes and another is elected in about 2 s; with two of three gone, nothing can be fenced or elected." },
  "slow-disk": { title: "A slow disk hides, then stalls", summary: "One broker's disk drops to 2 MB/s: the page cache hides it for 15 s, then acks=all slows every write to what that disk can take." },
  "slow-sink": { title: "A slow sink", summary: "The database the consumers write to takes 15k records a second of 20k: Kafka holds the rest, and lag climbs." },
  "sink-outage": { title: "The database goes down", summary: "The sink is down for 20 s: producers never notice, lag piles up in Kafka and drains when it is back. Nothing is lost." },
  "large-cluster": { title: "A large cluster", summary: "30 brokers, 600 partitions, 1 M msg/s: how load spreads and how fast the simulator keeps up." },
};

export const lessons: Lesson[] = Object.entries(files)
  .map(([path, yaml]): Lesson => {
    const fileName = path.slice(path.lastIndexOf("/") + 1);
    let name = fileName.replace(/\.ya?ml$/, "");
    let description = "";
    try {
      const doc = parse(yaml) as { name?: unknown; description?: unknown } | null;
      if (typeof doc?.name === "string") name = doc.name;
      if (typeof doc?.description === "string") description = doc.description;
    } catch {
      /* the engine reports a broken file when it is opened */
    }
    return { name, fileName, title: CARDS[name]?.title ?? name, summary: CARDS[name]?.summary ?? firstSentence(description), yaml };
  })
  .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));

function rank(name: string): number {
  const i = ORDER.indexOf(name);
  return i < 0 ? ORDER.length : i;
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const end = flat.search(/\.(\s|$)/);
  const sentence = end > 0 ? flat.slice(0, end + 1) : flat;
  return sentence.length > 180 ? `${sentence.slice(0, 177)}…` : sentence;
}

/** A blank canvas: three brokers and nothing else, to build a pipeline from the palette. */
export const BLANK_SCENARIO = `name: untitled
description: A blank cluster of three brokers. Add topics, producers and consumer groups from the palette.
seed: 1
duration: 5m
cluster:
  brokers: 3
`;
