import { open } from 'node:fs/promises';

/**
 * fsync of a folder, group-committed: a rename is durable once its folder is fsynced, and one
 * fsync covers every rename made before it started. A caller waits for the next fsync that
 * starts after its call, shared with everyone who called meanwhile, so N concurrent writers
 * cost about two folder fsyncs rather than N.
 */
export class DirectorySync {
  readonly #path: string;
  #running?: Promise<void>;
  #next?: Promise<void>;
  #syncs = 0;

  constructor(path: string) {
    this.#path = path;
  }

  /** Folder fsyncs started so far. */
  get syncs(): number {
    return this.#syncs;
  }

  /** Resolves once every rename in the folder made before this call is on disk. */
  sync(): Promise<void> {
    if (this.#next) return this.#next;
    if (!this.#running) return this.#start();
    // The fsync under way may have started before our rename: wait for the one after it.
    const next = this.#running.catch(() => undefined).then(() => {
      this.#next = undefined;
      return this.#start();
    });
    this.#next = next;
    return next;
  }

  #start(): Promise<void> {
    this.#syncs += 1;
    const running = fsyncFolder(this.#path).finally(() => {
      if (this.#running === running) this.#running = undefined;
    });
    this.#running = running;
    return running;
  }
}

async function fsyncFolder(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
