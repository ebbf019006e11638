#!/usr/bin/env node
// The `tributary` command: bundles the TypeScript CLI (esbuild, ~0.1 s) and runs it.
import { bundle } from "./build.mjs";

const { main } = await bundle("electron/cli/main.ts", "cli");
process.exitCode = await main(process.argv.slice(2));
