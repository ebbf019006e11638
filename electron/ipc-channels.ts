/**
 * IPC channel names, shared by the main process and the preload. One
 * channel per request of the contract, so the main process can hold each
 * to its own schema and the preload exposes named methods, never a generic
 * `invoke(channel, …)` the page could aim anywhere.
 */
import type { RequestName } from "../shared/protocol/contract";

export const requestChannel = (name: RequestName): string => `tributary:request:${name}`;
export const FRAME_CHANNEL = "tributary:frame";
export const SHELL_CHANNEL = "tributary:shell";
