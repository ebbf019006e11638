import type { RequestName } from "../../../shared/protocol/contract";

/**
 * The request names, listed for building API objects. Importing the contract's
 * `requestSchemas` would pull zod into the bundle for no use on this side; the
 * `satisfies` keeps this list and the contract from drifting apart.
 */
const names = {
  open: true,
  play: true,
  pause: true,
  step: true,
  setSpeed: true,
  seek: true,
  command: true,
  editScenario: true,
  exportScenario: true,
  exportSession: true,
  importSession: true,
  snapshot: true,
  recoveryInfo: true,
  restore: true,
  recentFiles: true,
  openRecent: true,
} satisfies Record<RequestName, true>;

export const requestNames = Object.keys(names) as RequestName[];
