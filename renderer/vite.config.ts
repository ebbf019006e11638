import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

// No React plugin: esbuild's automatic JSX runtime is all the renderer needs.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // relative base: the same build loads from file:// in Electron and from the web server
  base: "./",
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      onwarn(warning, warn) {
        // xyflow ships React Server Components' "use client" marker; meaningless in this bundle
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
  server: { fs: { allow: [fileURLToPath(new URL("..", import.meta.url))] } },
});
