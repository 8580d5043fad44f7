// A Dynaplay database persisted to one file, for `dynaplay serve --file` (Node only).
//
// The file is a log: one line per committed batch, the batch's writes as a JSON array (the
// records of docs/storage-format.md, as `Database.openExternal` hands them over). Opening
// replays the log into a snapshot, then rewrites the file as that snapshot (one line), so
// the log only grows while the process runs.
//
// Durability: a batch is appended and fsync'ed before its requests are answered, so every
// answered write survives a crash of the process or the machine (as far as the disk honours
// fsync). A batch cut short by a crash is one torn last line: it is dropped on the next open,
// and none of its requests had been answered. A failed append (disk full) is cut off again
// and fails its requests, which the engine undoes. A lock file (PATH.lock, holding the pid)
// keeps a second process from opening the same file.
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Database, StoredSnapshot, StoredWrite } from "../pkg/dynaplay.js";

/** The `Database.openExternal` this module needs (the Node entry passes the loaded class). */
export interface ExternalOpener {
  openExternal(name: string, snapshot: StoredSnapshot, commit: (writes: StoredWrite[]) => void): Database;
}

/** An open file database: `db` to send requests to, `close()` to release the file. */
export interface FileDatabase {
  db: Database;
  /** Waits for the requests already sent to be stored, then closes the file and its lock. */
  close(): Promise<void>;
}

/** Opens (or creates) the database kept in PATH. */
export function openFileDatabase(opener: ExternalOpener, path: string): FileDatabase {
  const unlock = lock(path);
  try {
    const snapshot = snapshotOf(readLog(path), path);
    compact(path, snapshot);
    const fd = openSync(path, "a");
    const db = opener.openExternal(path, snapshot, (writes) => append(fd, writes));
    const close = async () => {
      await db.close();
      closeSync(fd);
      unlock();
    };
    return { db, close };
  } catch (err) {
    unlock();
    throw err;
  }
}

/** Appends one batch as a line and fsyncs it; a failed write is cut off again. */
function append(fd: number, writes: StoredWrite[]): void {
  const size = fstatSync(fd).size;
  try {
    writeSync(fd, `${JSON.stringify(writes)}\n`);
    fsyncSync(fd);
  } catch (err) {
    ftruncateSync(fd, size);
    throw err;
  }
}

/** The batches PATH holds (none when it does not exist). A last line without its newline
 *  is a batch a crash cut short: dropped. */
function readLog(path: string): StoredWrite[][] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const lines = text.split("\n");
  lines.pop(); // after the last newline: empty, or a torn batch
  return lines.map((line, index) => {
    try {
      const batch: unknown = JSON.parse(line);
      if (Array.isArray(batch)) return batch as StoredWrite[];
    } catch {
      // reported below
    }
    throw new Error(`${path} is not a Dynaplay database file: line ${index + 1} is not a batch of writes`);
  });
}

/** Replays the batches into the records they leave. */
function snapshotOf(batches: StoredWrite[][], path: string): StoredSnapshot {
  const meta = new Map<string, string>();
  const items = new Map<string, Map<string, string>>();
  for (const write of batches.flat()) {
    switch (write.op) {
      case "putMeta":
        meta.set(write.key, write.value);
        break;
      case "deleteMeta":
        meta.delete(write.key);
        break;
      case "putItem":
        items.set(write.tableId, (items.get(write.tableId) ?? new Map()).set(write.key, write.value));
        break;
      case "deleteItem":
        items.get(write.tableId)?.delete(write.key);
        break;
      case "deleteTableItems":
        items.delete(write.tableId);
        break;
      default:
        throw new Error(`${path} is not a Dynaplay database file: unknown write ${JSON.stringify(write)}`);
    }
  }
  const itemRecords = [...items].flatMap(([tableId, keyed]) => [...keyed].map(([key, value]): [string, string, string] => [tableId, key, value]));
  return { meta: [...meta], items: itemRecords };
}

/** Rewrites PATH as SNAPSHOT (one batch), atomically: a temporary file renamed over it. */
function compact(path: string, snapshot: StoredSnapshot): void {
  const writes: StoredWrite[] = [
    ...snapshot.meta.map(([key, value]): StoredWrite => ({ op: "putMeta", key, value })),
    ...snapshot.items.map(([tableId, key, value]): StoredWrite => ({ op: "putItem", tableId, key, value })),
  ];
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, writes.length === 0 ? "" : `${JSON.stringify(writes)}\n`, { flush: true });
  renameSync(temporary, path);
  syncDirectory(dirname(path));
}

/** Makes a rename durable: the directory entry is fsync'ed too. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Takes PATH.lock for this process, or throws naming the process that holds it. A lock
 *  whose process is gone is taken over. Returns the function that releases it. */
function lock(path: string): () => void {
  const lockPath = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      return () => rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(readFileSync(lockPath, "utf8"));
      if (isAlive(holder)) throw new Error(`${path} is in use by process ${holder} (its lock is ${lockPath})`);
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`cannot lock ${path}: ${lockPath} keeps coming back`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
