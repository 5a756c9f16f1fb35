// A separate process that converts a database's float32 vectors to int8, printing the running
// count after each committed page and pausing between pages, so a test can kill it mid-way:
// `node convert-child.ts DB PAGE PAUSE_MS`.
import { openDatabase } from "../../src/core/db/open.ts";
import { convertVectors } from "../../src/core/embed/vector-convert.ts";

const [dbPath, pageArg, pauseArg] = process.argv.slice(2);
const db = openDatabase(dbPath!);
const pause = new Int32Array(new SharedArrayBuffer(4));
convertVectors(db, {
  page: Number(pageArg),
  onPage: (converted) => {
    process.stdout.write(`${converted}\n`);
    Atomics.wait(pause, 0, 0, Number(pauseArg));
  },
});
process.stdout.write("done\n");
db.close();
