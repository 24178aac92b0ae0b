import type { Directory, DirectoryPerson, ServiceArea } from '../app/ports';

export interface CachedDirectoryOptions {
  /** How long a successful answer is reused, in milliseconds (default 5 minutes). */
  ttlMs?: number;
  /** Clock in milliseconds (default Date.now); injectable for tests. */
  now?: () => number;
  /** Soft cap on cached answers; expired ones are swept, then the oldest dropped (default 10 000). */
  maxEntries?: number;
}

export const DEFAULT_DIRECTORY_TTL_MS = 5 * 60_000;

interface Entry {
  value: Promise<unknown>;
  /** When the answer stops being fresh; Infinity while the lookup is in flight. */
  expiresAt: number;
}

/**
 * Caches any Directory briefly (docs/rules.md#R-roles-from-directory; 5 minutes, docs/architecture.md#limits), per method and argument.
 * Concurrent identical lookups share one call; failures are never cached, so the next
 * call retries. Callers get their own copies, so mutating an answer cannot poison the cache.
 */
export class CachedDirectory implements Directory {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly maxEntries: number;

  constructor(
    private readonly inner: Directory,
    options: CachedDirectoryOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_DIRECTORY_TTL_MS;
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 10_000;
    if (!(this.ttlMs >= 0)) throw new Error(`CachedDirectory: ttlMs must be >= 0, got ${this.ttlMs}`);
  }

  person(id: string): Promise<DirectoryPerson | null> {
    return this.cached(`person\u0000${id}`, () => this.inner.person(id));
  }
  isCaseManager(id: string): Promise<boolean> {
    return this.cached(`isCaseManager\u0000${id}`, () => this.inner.isCaseManager(id));
  }
  isAdmin(id: string): Promise<boolean> {
    return this.cached(`isAdmin\u0000${id}`, () => this.inner.isAdmin(id));
  }
  isDataProtection(id: string): Promise<boolean> {
    return this.cached(`isDataProtection\u0000${id}`, () => this.inner.isDataProtection(id));
  }
  caseManagers(): Promise<DirectoryPerson[]> {
    return this.cached('caseManagers', () => this.inner.caseManagers());
  }
  admins(): Promise<DirectoryPerson[]> {
    return this.cached('admins', () => this.inner.admins());
  }
  serviceAreas(): Promise<ServiceArea[]> {
    return this.cached('serviceAreas', () => this.inner.serviceAreas());
  }

  /** Forgets every cached answer (e.g. after an admin changes role configuration). */
  clear(): void {
    this.entries.clear();
  }

  private async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) return structuredClone((await hit.value) as T);
    if (hit) this.entries.delete(key);

    // Registered before the load starts, so even a synchronous throw is seen as this entry's failure.
    const entry: Entry = { value: Promise.resolve(), expiresAt: Infinity };
    this.entries.set(key, entry);
    entry.value = this.settle(key, entry, load);
    this.prune();
    return structuredClone((await entry.value) as T);
  }

  private async settle<T>(key: string, entry: Entry, load: () => Promise<T>): Promise<T> {
    try {
      const value = await load();
      if (this.entries.get(key) === entry) entry.expiresAt = this.now() + this.ttlMs;
      return value;
    } catch (error) {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw error;
    }
  }

  private prune(): void {
    if (this.entries.size <= this.maxEntries) return;
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
