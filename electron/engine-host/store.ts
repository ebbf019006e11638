/**
 * What the engine host keeps on disk under its data directory:
 * - autosave.json: the working session (scenario + seed + actions), written
 *   every ~2 s when it changed, so a crash loses at most that much;
 * - clean-exit: a marker removed at start and written on a clean shutdown.
 *   Absent at start with an autosave present means the last run died: that
 *   autosave is copied to recovery.json before the new run overwrites it, and
 *   offered back (recoveryInfo / restore);
 * - recent/: copies of the newest scenario texts opened, with index.json.
 * Writes go to a temporary file and are renamed, so a crash mid-write leaves
 * the previous version whole.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { sessionFileSchema, type RequestOutputs, type SessionFile } from "../../shared/protocol/contract";

const RECENT_LIMIT = 10;

const recentIndexSchema = z.array(z.object({ fileName: z.string(), scenarioName: z.string(), openedAt: z.string(), copy: z.string() }));
type RecentEntry = z.output<typeof recentIndexSchema>[number];

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

function scenarioNameOf(yaml: string): string | null {
  try {
    const doc: unknown = parseYaml(yaml);
    return doc && typeof doc === "object" && typeof (doc as { name?: unknown }).name === "string" ? (doc as { name: string }).name : null;
  } catch {
    return null;
  }
}

export class HostStore {
  private readonly autosavePath: string;
  private readonly recoveryPath: string;
  private readonly markerPath: string;
  private readonly recentDir: string;
  /** Did the previous run end without writing the clean-exit marker, leaving an autosave behind? */
  readonly recovered: boolean;

  constructor(readonly dataDir: string) {
    this.autosavePath = path.join(dataDir, "autosave.json");
    this.recoveryPath = path.join(dataDir, "recovery.json");
    this.markerPath = path.join(dataDir, "clean-exit");
    this.recentDir = path.join(dataDir, "recent");
    mkdirSync(this.recentDir, { recursive: true });
    const cleanExit = existsSync(this.markerPath);
    rmSync(this.markerPath, { force: true });
    this.recovered = !cleanExit && existsSync(this.autosavePath);
    // keep the crashed run's work aside: this run's autosaves must not overwrite it before the user decides
    if (this.recovered) copyFileSync(this.autosavePath, this.recoveryPath);
  }

  saveSession(session: SessionFile): void {
    writeAtomically(this.autosavePath, `${JSON.stringify(session)}\n`);
  }

  markCleanExit(): void {
    writeFileSync(this.markerPath, `${new Date().toISOString()}\n`);
  }

  /** The crashed run's session, validated; null when there is none or it is unreadable. */
  recoverySession(): SessionFile | null {
    if (!this.recovered) return null;
    try {
      const parsed = sessionFileSchema.safeParse(JSON.parse(readFileSync(this.recoveryPath, "utf8")));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  recoveryInfo(): RequestOutputs["recoveryInfo"] {
    const session = this.recoverySession();
    if (!session) return { available: false, savedAt: null, scenarioName: null, actions: 0 };
    return { available: true, savedAt: statSync(this.recoveryPath).mtime.toISOString(), scenarioName: scenarioNameOf(session.scenarioYaml), actions: session.actions.length };
  }

  private readRecent(): RecentEntry[] {
    try {
      const parsed = recentIndexSchema.safeParse(JSON.parse(readFileSync(path.join(this.recentDir, "index.json"), "utf8")));
      return parsed.success ? parsed.data : [];
    } catch {
      return []; // no index yet (or a damaged one): start the list afresh
    }
  }

  /** Remember an opened scenario's text, newest first; the oldest beyond ten are deleted. */
  addRecent(fileName: string, yaml: string, scenarioName: string): void {
    // the copy's name is a hash, never the user-supplied name: no path tricks, no odd characters
    const copy = `${createHash("sha256").update(fileName).digest("hex").slice(0, 16)}.yaml`;
    writeAtomically(path.join(this.recentDir, copy), yaml);
    const entries = [{ fileName, scenarioName, openedAt: new Date().toISOString(), copy }, ...this.readRecent().filter((e) => e.fileName !== fileName)];
    for (const dropped of entries.splice(RECENT_LIMIT)) rmSync(path.join(this.recentDir, dropped.copy), { force: true });
    writeAtomically(path.join(this.recentDir, "index.json"), `${JSON.stringify(entries, null, 2)}\n`);
  }

  recentFiles(): RequestOutputs["recentFiles"] {
    return this.readRecent().map(({ fileName, scenarioName, openedAt }) => ({ fileName, scenarioName, openedAt }));
  }

  /** The kept copy of a recent scenario's text, or null when it is not in the list. */
  recentText(fileName: string): string | null {
    const entry = this.readRecent().find((e) => e.fileName === fileName);
    if (!entry) return null;
    try {
      return readFileSync(path.join(this.recentDir, path.basename(entry.copy)), "utf8");
    } catch {
      return null;
    }
  }
}
