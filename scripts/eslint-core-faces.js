// ESLint rule: a folder of src/core is reached from outside only through its index.ts (its face).
// A static import that names another folder's module directly is an error; a dynamic import()
// may name one module, so that a heavy dependency stays off the start-up path until it is needed.
import path from "node:path";

const CORE = `${path.sep}src${path.sep}core${path.sep}`;

/** The src/core folder a file lies in ("store", "db"…), or null for files outside one. */
function coreFolder(file) {
  const at = file.lastIndexOf(CORE);
  if (at < 0) return null;
  const parts = file.slice(at + CORE.length).split(path.sep);
  return parts.length > 1 ? parts[0] : null;
}

export default {
  meta: {
    type: "problem",
    docs: { description: "Import another src/core folder only through its index.ts" },
    schema: [],
    messages: {
      face: "Import '{{folder}}' through its face ('{{face}}'), not '{{spec}}': other folders see only what index.ts exports.",
    },
  },
  create(context) {
    const file = context.filename;
    const own = coreFolder(file);
    function check(node) {
      const spec = node.source && node.source.value;
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      const target = path.resolve(path.dirname(file), spec);
      const folder = coreFolder(target);
      if (!folder || folder === own) return;
      const faceFile =
        target.slice(0, target.lastIndexOf(CORE) + CORE.length) + folder + path.sep + "index.ts";
      if (target === faceFile) return;
      let face = path.relative(path.dirname(file), faceFile).split(path.sep).join("/");
      if (!face.startsWith(".")) face = `./${face}`;
      context.report({ node: node.source, messageId: "face", data: { folder, face, spec } });
    }
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
