import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Whether Azurite's last save (in `location`, its `--location`) holds the given queue messages: each message in
 * the queue metadata and the extent that holds its text in the extent metadata. Azurite keeps both in memory and
 * saves them every ~5 s (LokiJS: it writes `<file>~`, then renames it over `<file>`), so a `kill -9` loses what
 * was not saved yet; a test waits for this before it kills.
 *
 * It reads the saved files themselves (the rename makes each one whole), never the folder: a listing of the
 * folder meets the temporary `~` file, which is gone a moment later (ENOENT, a flaky test). Not saved yet (no file,
 * or not the messages): false.
 */
export function azuriteHasSaved(location: string, queueName: string, messageIds: readonly string[]): boolean {
  const messages = savedCollection(path.join(location, '__azurite_db_queue__.json'), '$MESSAGES_COLLECTION$');
  const extents = savedCollection(
    path.join(location, '__azurite_db_queue_extent__.json'),
    '$EXTENTS_COLLECTION$',
  );
  const savedExtents = new Set(extents.map((extent) => extent.id));
  return messageIds.every((messageId) =>
    messages.some(
      (message) =>
        message.queueName === queueName &&
        message.messageId === messageId &&
        typeof message.persistency?.id === 'string' &&
        savedExtents.has(message.persistency.id),
    ),
  );
}

interface SavedDocument {
  id?: string;
  queueName?: string;
  messageId?: string;
  persistency?: { id?: string };
}

function savedCollection(file: string, name: string): SavedDocument[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const database = JSON.parse(text) as { collections?: { name?: string; data?: SavedDocument[] }[] };
  return database.collections?.find((collection) => collection.name === name)?.data ?? [];
}
