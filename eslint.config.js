import raycast from "@raycast/eslint-config";
import coreFaces from "./scripts/eslint-core-faces.js";

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
    // A folder of src/core is reached from elsewhere in src only through its index.ts.
    files: ["src/**/*.ts", "src/**/*.tsx"],
    plugins: { local: { rules: { "core-faces": coreFaces } } },
    rules: { "local/core-faces": "error" },
  },
  {
    // Sizes (see ARCHITECTURE.md, "Sizes"): a file says one thing, a function does one thing.
    files: ["src/**/*.ts", "src/**/*.tsx"],
    rules: {
      "max-lines": ["error", { max: 300, skipBlankLines: true, skipComments: true }],
      "max-lines-per-function": ["error", { max: 40, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    // A Raycast view's JSX is declarative markup (list items, their action panels): 60 lines.
    files: ["src/**/*.tsx"],
    rules: {
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
];
