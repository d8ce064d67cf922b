import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { QueueClient } from '@azure/storage-queue';
import { describe, expect, it } from 'vitest';

import { startAzurite } from '../../index';

describe('Azurite on disk', () => {
  it('keeps queue messages across a graceful stop (stop() lets Azurite save before it exits)', async () => {
    const location = mkdtempSync(path.join(tmpdir(), 'azurite-state-'));
    const first = await startAzurite({ services: ['queue'], location });
    try {
      const queue = new QueueClient(first.connectionString, 'kept');
      await queue.create();
      await queue.sendMessage('one');
      await queue.sendMessage('two');
    } finally {
      // At once: Azurite's own autosave (every 5 s) has not run yet, only its close saves.
      await first.stop();
    }
    const second = await startAzurite({ services: ['queue'], location });
    try {
      const queue = new QueueClient(second.connectionString, 'kept');
      const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 10 });
      expect(receivedMessageItems.map((item) => item.messageText).sort()).toEqual(['one', 'two']);
    } finally {
      await second.stop();
    }
  });
});
