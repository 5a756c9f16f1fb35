import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      // Raycast offers no test kit: the commands render against a test double of its API.
      "@raycast/api": fileURLToPath(new URL("./test/support/raycast-api/index.tsx", import.meta.url)),
    },
  },
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // @raycast/utils imports @raycast/api: inlined, it gets the double through the alias above.
    server: { deps: { inline: [/@raycast\/utils/] } },
  },
});
