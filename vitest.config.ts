import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "shared/**/*.test.ts", "electron/**/*.test.ts"],
    allowOnly: !process.env.CI,
    testTimeout: 60_000,
    pool: "forks",
  },
});
