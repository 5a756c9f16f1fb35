import raycast from "@raycast/eslint-config";

export default [
  { ignores: ["node_modules", "dist", "coverage", ".raycast-build", "raycast-env.d.ts"] },
  ...raycast,
  {
    files: ["src/core/**/*.ts"],
    rules: {
      // The core is plain Node: commands, CLI, MCP server and jobs all share it.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@raycast/*"], message: "src/core is plain Node: no Raycast imports." },
            { group: ["react", "react/*", "react-dom"], message: "src/core is plain Node: no React." },
          ],
        },
      ],
    },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
];
