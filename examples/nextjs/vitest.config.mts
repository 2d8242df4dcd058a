import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

// Component tests only: pages and route handlers are covered end to end in a
// real browser by the repository's tests/e2e.
export default defineConfig({
  resolve: {
    alias: { "@": fileURLToPath(new URL(".", import.meta.url)) },
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.tsx"],
  },
});
