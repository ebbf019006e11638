/**
 * The broker JMX values just before the newest fault started, for the
 * table's before/after deltas. Kept by watching frames: when a fault id
 * appears, the previous frame's values become the baseline.
 */
import { useEffect, useState } from "react";
import { useAppStore } from "../app-context";
import type { BrokerView, Frame } from "../../../shared/engine/frame";
import { formatClock } from "./format";

export interface FaultBaseline {
  values: Record<number, BrokerView["jmx"]>;
  label: string;
}

export function useFaultBaseline(): FaultBaseline | null {
  const store = useAppStore();
  const [baseline, setBaseline] = useState<FaultBaseline | null>(null);
  useEffect(() => {
    let seen = new Set(store.getState().frame?.faults.map((f) => f.id) ?? []);
    return store.subscribe((state, prev) => {
      const frame = state.frame;
      if (!frame || frame === prev.frame) return;
      if (prev.frame && frame.seq <= prev.frame.seq) {
        // a new engine (replay): faults keep their ids, start over
        seen = new Set(frame.faults.map((f) => f.id));
        setBaseline(null);
        return;
      }
      const fresh = frame.faults.filter((f) => !seen.has(f.id));
      if (fresh.length === 0) return;
      for (const f of fresh) seen.add(f.id);
      const newest = fresh[fresh.length - 1]!;
      setBaseline({ values: jmxOf(prev.frame ?? frame), label: `since ${newest.description} at ${formatClock(newest.atMs)}` });
    });
  }, [store]);
  return baseline;
}

function jmxOf(frame: Frame): Record<number, BrokerView["jmx"]> {
  const out: Record<number, BrokerView["jmx"]> = {};
  for (const b of frame.brokers) out[b.id] = b.jmx;
  return out;
}
