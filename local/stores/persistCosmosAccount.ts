import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { type Journal, openJournal } from './openJournal';

/**
 * Keeps the state of `@vercel/cosmosdb-server` (in memory only) on disk, through the package's own internals,
 * pinned at 1.0.1: its whole state is a tree Account → databases → collections → documents, each level an `Items`
 * (`lib/account/items.js`) holding `_data: Map<_rid, Item>`, `_index` (unique keys → `_rid`) and `_ridCount`.
 *
 * Every write of a tracked `Items` (`_set`, which create/replace/upsert/patch/batch all end in, and `delete`) is
 * appended to a journal synchronously, at the moment it happens, so it is on disk before the server even builds
 * its response: nothing acknowledged is lost to a crash of the process. A record holds the document as stored,
 * `_etag`, `_rid`, `_ts` and `_self` included, so a restore puts back exactly what clients saw (an old ETag still
 * fails with 412). The snapshot is the same journal rewritten with one record per live resource: on a graceful
 * stop and whenever the journal has grown to several times its last snapshot.
 *
 * Not kept: user-defined functions (their compiled bodies live outside the tree; the app uses none).
 */

/** The parts of the package's `Items` we touch (private fields of an unmaintained package: see the test). */
interface CosmosItems {
  _data: Map<string, CosmosItem>;
  _ridCount: number;
  _set(data: StoredResource): StoredResource;
  delete(idOrRid: string, partition: unknown): void;
  _item(keyPath: string, value: string, partition: unknown): CosmosItem;
  _getPartition(data: StoredResource): unknown;
}

interface CosmosItem {
  read(): StoredResource | undefined;
  collections?: CosmosItems;
  documents?: CosmosItems;
}

interface StoredResource {
  id: string;
  _rid: string;
  [field: string]: unknown;
}

export interface CosmosAccount {
  databases: CosmosItems;
}

/** One journal line. `p` is the path of the `Items`: [] databases, [db] collections, [db, coll] documents. */
type CosmosRecord =
  { t: 'set'; p: string[]; d: StoredResource; n: number } | { t: 'del'; p: string[]; rid: string };

interface Tracked {
  sink: AccountPersistence;
  path: string[];
}

const packageRequire = createRequire(require.resolve('@vercel/cosmosdb-server'));
const itemsPrototype = (packageRequire('./account/items') as { default: { prototype: CosmosItems } }).default
  .prototype;
const tracked = new WeakMap<CosmosItems, Tracked>();
let patched = false;

/**
 * Wraps `Items.prototype._set` and `delete` once per process. Untracked `Items` (another server in this process
 * without persistence, partition key ranges) pass straight through.
 */
function patchItems(): void {
  if (patched) {
    return;
  }
  patched = true;
  /* eslint-disable @typescript-eslint/unbound-method -- the originals are called with their own `this` below */
  const originalSet = itemsPrototype._set;
  const originalDelete = itemsPrototype.delete;
  /* eslint-enable @typescript-eslint/unbound-method */
  itemsPrototype._set = function (this: CosmosItems, data: StoredResource): StoredResource {
    const result = originalSet.call(this, data);
    const owner = tracked.get(this);
    if (owner) {
      const child = this._data.get(result._rid);
      // A new database or collection brings a fresh `Items` for its children: track it under its own path.
      if (child?.collections) {
        tracked.set(child.collections, { sink: owner.sink, path: [result.id] });
      }
      if (child?.documents) {
        tracked.set(child.documents, { sink: owner.sink, path: [...owner.path, result.id] });
      }
      owner.sink.record({ t: 'set', p: owner.path, d: child?.read() ?? result, n: this._ridCount });
    }
    return result;
  };
  itemsPrototype.delete = function (this: CosmosItems, idOrRid: string, partition: unknown): void {
    const owner = tracked.get(this);
    const rid = owner ? this._item('/id', idOrRid, partition).read()?._rid : undefined;
    originalDelete.call(this, idOrRid, partition);
    if (owner && rid !== undefined) {
      owner.sink.record({ t: 'del', p: owner.path, rid });
    }
  };
}

export interface AccountPersistence {
  record(record: CosmosRecord): void;
  /** Writes the snapshot (the journal compacted to the live state). */
  snapshot(): void;
  close(): void;
}

export interface PersistCosmosOptions {
  /** The folder for `cosmos.jsonl`. */
  directory: string;
  /** Also fsync each write (survives power loss, not only a crash of the process); default false. */
  fsync?: boolean;
}

/**
 * Restores the account from the folder's journal, then journals every later write. Call it before the server
 * accepts its first request (inside the account's creation, see `startCosmosServer`).
 */
export function persistCosmosAccount(
  account: CosmosAccount,
  options: PersistCosmosOptions,
): AccountPersistence {
  patchItems();
  const file = path.join(options.directory, 'cosmos.jsonl');
  const journal: Journal<CosmosRecord> = openJournal<CosmosRecord>(file, { fsync: options.fsync ?? false });
  let replaying = true;
  let compactionQueued = false;
  // What the state took on disk when last written whole; the journal is compacted when it grows well past that.
  let snapshotBytes = statSync(file).size;

  const persistence: AccountPersistence = {
    record(record) {
      if (replaying) {
        return;
      }
      journal.append(record);
      // Compact once the journal is several times the size of the state it describes; on the next turn, so a
      // replace (delete + set) or a batch is never split by a rewrite.
      if (!compactionQueued && journal.bytesSinceRewrite > Math.max(4 << 20, snapshotBytes * 3)) {
        compactionQueued = true;
        setImmediate(() => {
          compactionQueued = false;
          persistence.snapshot();
        });
      }
    },
    snapshot() {
      journal.rewrite(snapshotRecords(account));
      snapshotBytes = statSync(file).size;
    },
    close() {
      journal.close();
    },
  };

  tracked.set(account.databases, { sink: persistence, path: [] });
  for (const record of journal.recovered) {
    replay(account, record);
  }
  replaying = false;
  return persistence;
}

function itemsAt(account: CosmosAccount, recordPath: string[]): CosmosItems | undefined {
  const [databaseId, collectionId] = recordPath;
  if (databaseId === undefined) {
    return account.databases;
  }
  const database = account.databases._item('/id', databaseId, databaseId);
  if (collectionId === undefined) {
    return database.collections;
  }
  return database.collections?._item('/id', collectionId, collectionId).documents;
}

function replay(account: CosmosAccount, record: CosmosRecord): void {
  const items = itemsAt(account, record.p);
  if (!items) {
    throw new Error(`Cosmos journal: no container at /${record.p.join('/')} for a ${record.t} record.`);
  }
  if (record.t === 'set') {
    // `_set` stores the resource as given (ids, ETag, timestamp): the state clients saw. A replace journals
    // its delete first, so a set never meets an older copy of itself.
    items._set(record.d);
    items._ridCount = Math.max(items._ridCount, record.n);
    return;
  }
  const stored = items._data.get(record.rid)?.read();
  if (stored) {
    items.delete(record.rid, items._getPartition(stored));
  }
}

function* snapshotRecords(account: CosmosAccount): Generator<CosmosRecord> {
  const databases = account.databases;
  for (const database of databases._data.values()) {
    const data = database.read();
    if (!data) continue;
    yield { t: 'set', p: [], d: data, n: databases._ridCount };
    const collections = database.collections;
    if (!collections) continue;
    for (const collection of collections._data.values()) {
      const collectionData = collection.read();
      if (!collectionData) continue;
      yield { t: 'set', p: [data.id], d: collectionData, n: collections._ridCount };
      const documents = collection.documents;
      if (!documents) continue;
      for (const document of documents._data.values()) {
        const documentData = document.read();
        if (documentData) {
          yield { t: 'set', p: [data.id, collectionData.id], d: documentData, n: documents._ridCount };
        }
      }
    }
  }
}
