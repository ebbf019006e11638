// `npm run bench`: bundle bench/run.ts with esbuild and run it (child cases re-run the same bundle).
import { bundle } from "./build.mjs";

await bundle("bench/run.ts", "bench");
