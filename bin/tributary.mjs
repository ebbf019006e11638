#!/usr/bin/env node
// The `tributary` command: runs the TypeScript CLI through tsx's loader.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../electron/cli/main.ts");
process.exitCode = main(process.argv.slice(2));
