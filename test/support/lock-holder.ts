// Holds a database's write lock for a while, as another process's long write would:
// `node test/support/lock-holder.ts DB MS`. Prints "locked" once it holds the lock.
import Database from "better-sqlite3";

const [file, ms] = process.argv.slice(2);
const db = new Database(file!);
db.pragma("busy_timeout = 10000");
db.exec("BEGIN IMMEDIATE");
process.stdout.write("locked\n");
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ms));
db.exec("COMMIT");
db.close();
