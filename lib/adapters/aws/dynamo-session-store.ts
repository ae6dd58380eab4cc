import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SessionStore } from '../../core/ports.js';
import type { PortalSession, SessionCookie } from '../../core/types.js';
import { SessionTableKeys } from '../../contracts/index.js';
import { documentClient, isConditionalCheckFailed } from './aws-errors.js';
import { LOCK_TTL_GRACE_SECS, SESSION_TTL_SECS } from './constants.js';
import type { DynamoSessionStoreOptions } from './types.js';

/** The session item as stored. */
interface SessionItem {
  pk: string;
  version: number;
  /** JSON of SessionCookie[]. */
  cookies: string;
  createdAt: number;
  ttl: number;
  served?: boolean;
  fruitlessLogins?: number;
}

const PK = SessionTableKeys.PARTITION_KEY;
const TTL = SessionTableKeys.TTL_ATTRIBUTE;

/**
 * The portal session every Lambda shares, in the session table:
 * - item `pk='session'`: `version` (N), `cookies` (JSON string), `createdAt` (epoch ms), `ttl`
 *   (epoch s). `put` is a conditional write that only a newer version passes, so two logins
 *   racing can never replace a session with an older one.
 * - item `pk='refresh-lock'`: `owner`, `expiresAtMs`, `ttl`. Taken with a conditional put (free,
 *   expired, or already ours), released with a delete conditional on the owner.
 * Reads are strongly consistent: a waiter must see the session the lock holder just wrote.
 * An item's TTL only garbage-collects it; `get` does not hide a session past its TTL (the
 * portal says when cookies are dead, and the version must keep growing across logins).
 */
export class DynamoSessionStore implements SessionStore {
  readonly tableName: string;
  readonly #db: DynamoDBDocumentClient;
  readonly #now: () => number;
  readonly #sessionTtlSecs: number;

  constructor(options: DynamoSessionStoreOptions) {
    this.tableName = options.tableName;
    this.#db = documentClient(options.client);
    this.#now = options.now ?? Date.now;
    this.#sessionTtlSecs = options.sessionTtlSecs ?? SESSION_TTL_SECS;
  }

  async get(): Promise<PortalSession | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: SessionTableKeys.SESSION_ITEM }, ConsistentRead: true }),
    );
    const item = out.Item as Partial<SessionItem> | undefined;
    if (!item || typeof item.version !== 'number') return undefined;
    return {
      version: item.version,
      cookies: parseCookies(item.cookies),
      createdAt: typeof item.createdAt === 'number' ? item.createdAt : 0,
      ...(item.served === true ? { served: true } : {}),
      ...(typeof item.fruitlessLogins === 'number' ? { fruitlessLogins: item.fruitlessLogins } : {}),
    };
  }

  /** One conditional update, no read: only the session of this version is marked. */
  async markServed(version: number): Promise<void> {
    try {
      await this.#db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: SessionTableKeys.SESSION_ITEM },
          UpdateExpression: 'SET #served = :true',
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#served': 'served', '#version': 'version' },
          ExpressionAttributeValues: { ':true': true, ':version': version },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async put(session: PortalSession): Promise<boolean> {
    const item: SessionItem = {
      pk: SessionTableKeys.SESSION_ITEM,
      version: session.version,
      cookies: JSON.stringify(session.cookies),
      createdAt: session.createdAt,
      ttl: Math.floor(this.#now() / 1000) + this.#sessionTtlSecs,
      ...(session.served ? { served: true } : {}),
      ...(session.fruitlessLogins !== undefined ? { fruitlessLogins: session.fruitlessLogins } : {}),
    };
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk) OR #version < :version',
          ExpressionAttributeNames: { '#pk': PK, '#version': 'version' },
          ExpressionAttributeValues: { ':version': session.version },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Free, expired (a holder that crashed or hung) or already ours: take or extend it. */
  async tryLock(owner: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    const expiresAtMs = now + Math.max(0, Math.round(ttlMs));
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [PK]: SessionTableKeys.LOCK_ITEM,
            owner,
            expiresAtMs,
            [TTL]: Math.ceil(expiresAtMs / 1000) + LOCK_TTL_GRACE_SECS,
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAtMs <= :now OR #owner = :owner',
          ExpressionAttributeNames: { '#pk': PK, '#expiresAtMs': 'expiresAtMs', '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now, ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Release the lock if `owner` still holds it (a lock taken over after expiry stays with its new holder). */
  async unlock(owner: string): Promise<void> {
    try {
      await this.#db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [PK]: SessionTableKeys.LOCK_ITEM },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}

/** Cookies are written by `put` only; anything unreadable counts as no cookies (the portal will ask for a login). */
function parseCookies(json: unknown): SessionCookie[] {
  if (typeof json !== 'string') return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value as SessionCookie[]) : [];
  } catch {
    return [];
  }
}
