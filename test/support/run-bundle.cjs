/* eslint-disable @typescript-eslint/no-require-imports -- the bundles are CommonJS: this runner loads them with require(), as Raycast does. */
// Runs one built command bundle (or, in mode `tool`, one AI tool's) in plain Node, with the @raycast/api double installed beside it
// (see test/raycast-bundle.test.ts). Prints what a person would see as one JSON line.
const path = require("node:path");
const React = require("react");
const [extDir, name, mode, input] = process.argv.slice(2);
const api = require(path.join(extDir, "node_modules", "@raycast", "api"));
const { raycast, renderCommand } = api;
const setup = JSON.parse(input);

async function main() {
  raycast.environment.assetsPath = path.join(extDir, "assets");
  raycast.environment.commandName = name;
  raycast.preferences = setup.preferences;
  if (mode === "tool") {
    const tool = require(path.join(extDir, "tools", `${name}.js`)).default;
    process.stdout.write(`${JSON.stringify({ output: await tool(setup.input) })}\n`);
    return;
  }
  const Command = require(path.join(extDir, `${name}.js`)).default;
  const props = { launchType: "userInitiated", arguments: setup.arguments ?? {} };
  let texts = [];
  if (mode === "no-view") {
    await Command(props);
  } else {
    const screen = await renderCommand(React.createElement(Command, props));
    await screen.waitFor(() => {
      const root = screen.all(setup.root)[0];
      return root && root.props.isLoading !== true;
    }, `${name} to load`);
    texts = screen.texts();
    await screen.unmount();
  }
  const toasts = raycast.toasts.map((t) => ({ style: t.style, title: t.title, message: t.message }));
  process.stdout.write(`${JSON.stringify({ texts, huds: raycast.huds, toasts })}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
