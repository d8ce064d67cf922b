import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/**
 * An append-only file of JSON records, one per line: what the local host's durable state, the embedded Cosmos DB
 * server and the simulators use to keep their state across restarts and crashes.
 *
 * Why a journal: a record is written with one `write(2)` before `append` returns, so once a state change has been
 * acknowledged it survives `kill -9` of the process (the kernel holds the page); `fsync: true` also survives a power
 * loss, at a cost of a few milliseconds a record. Opening replays the file; a torn last line (the process died in the
 * middle of a write) is dropped, since nothing acknowledged it.
 */
export interface Journal<TRecord> {
  /** The records in the file when it was opened, in order (after `rewrite`, the rewritten ones come first). */
  readonly recovered: readonly TRecord[];
  /** Appends one record; durable against a crash of this process once it returns. */
  append(record: TRecord): void;
  /**
   * Replaces the whole file with these records, atomically (a temporary file renamed over it): compaction, when
   * the journal has grown past what its state needs.
   */
  rewrite(records: Iterable<TRecord>): void;
  /** Bytes appended since the file was last opened or rewritten, to decide when to compact. */
  readonly bytesSinceRewrite: number;
  close(): void;
}

export interface JournalOptions<TRecord> {
  /** Also `fsync` each append (survives losing the machine, not only the process). Default false. */
  fsync?: boolean;
  /** Validates each recovered record (e.g. a zod schema's `parse`); a record it rejects stops the open. */
  parse?: (value: unknown) => TRecord;
}

export function openJournal<TRecord>(
  filePath: string,
  options: JournalOptions<TRecord> = {},
): Journal<TRecord> {
  const parse = options.parse ?? ((value: unknown) => value as TRecord);
  mkdirSync(path.dirname(filePath), { recursive: true });
  const recovered = existsSync(filePath) ? readRecords(filePath, parse) : [];
  let fd = openSync(filePath, 'a');
  let bytesSinceRewrite = 0;

  function write(target: number, text: string): void {
    writeSync(target, text);
    if (options.fsync) fsyncSync(target);
  }

  return {
    recovered,
    get bytesSinceRewrite() {
      return bytesSinceRewrite;
    },
    append(record) {
      const line = `${JSON.stringify(record)}\n`;
      write(fd, line);
      bytesSinceRewrite += Buffer.byteLength(line);
    },
    rewrite(records) {
      const temporary = `${filePath}.rewrite`;
      const out = openSync(temporary, 'w');
      try {
        let text = '';
        for (const record of records) {
          text += `${JSON.stringify(record)}\n`;
          // Write in chunks so a large state never builds one huge string.
          if (text.length > 1 << 20) {
            writeSync(out, text);
            text = '';
          }
        }
        writeSync(out, text);
        fsyncSync(out);
      } finally {
        closeSync(out);
      }
      closeSync(fd);
      renameSync(temporary, filePath);
      fd = openSync(filePath, 'a');
      bytesSinceRewrite = 0;
    },
    close() {
      closeSync(fd);
    },
  };
}

/**
 * Reads the complete records of a journal without opening it for writing (inspection tools; a process may be
 * appending to it): a torn last line is skipped, not cut. A missing file has no records.
 */
export function readJournal<TRecord>(
  filePath: string,
  options: Pick<JournalOptions<TRecord>, 'parse'> = {},
): TRecord[] {
  if (!existsSync(filePath)) return [];
  return readRecords(filePath, options.parse ?? ((value: unknown) => value as TRecord), false);
}

function readRecords<TRecord>(
  filePath: string,
  parse: (value: unknown) => TRecord,
  cutTornTail = true,
): TRecord[] {
  const text = readFileSync(filePath, 'utf8');
  const complete = text.lastIndexOf('\n') + 1;
  if (cutTornTail && complete < text.length) {
    // A torn last line: the process died in the middle of a write that nothing acknowledged. Cut it off, so the
    // next append starts on a line of its own.
    truncateSync(filePath, Buffer.byteLength(text.slice(0, complete)));
  }
  const records: TRecord[] = [];
  text
    .slice(0, complete)
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new Error(`${filePath}:${index + 1} is not a JSON record`, { cause: error });
      }
      records.push(parse(value));
    });
  return records;
}
