// What the SQLite store's modules share: the connection, its statement cache, the write queue
// and the clock. Internal to the SQLite engine; routes see only TraceStore.
import type Database from 'better-sqlite3';
import { GroupCommit } from '../group-commit.ts';
import type { ChangeListener, WriteDeclaration } from '../store-change.ts';

/** Prepared statements one connection keeps (far more than the constant texts, which number about a hundred). */
export const MAX_CACHED_STATEMENTS = 500;

export class SqliteContext {
  readonly db: Database.Database;
  readonly now: () => number;
  private readonly commit: GroupCommit;
  private readonly statements = new Map<string, Database.Statement>();
  /** Statements run through stmt() (the benchmark's statements per search page). */
  statementCount = 0;

  constructor(db: Database.Database, now: () => number, onCommit: ChangeListener) {
    this.db = db;
    this.now = now;
    this.commit = new GroupCommit(db, onCommit);
  }

  /**
   * A cached prepared statement; SQL text here is always a constant or built from allowlisted parts.
   * Built texts vary with the request (a filter's shape, the number of experiments), so the cache keeps
   * the MAX_CACHED_STATEMENTS most recently used: a Map iterates in insertion order, and a hit moves its
   * entry to the end. An evicted statement a caller still holds keeps working (it is only unreferenced).
   */
  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (s) this.statements.delete(sql);
    else {
      s = this.db.prepare(sql);
      if (this.statements.size >= MAX_CACHED_STATEMENTS)
        this.statements.delete(this.statements.keys().next().value as string);
    }
    this.statements.set(sql, s);
    this.statementCount++;
    return s;
  }

  /** How many prepared statements the cache holds (tests). */
  get cachedStatements(): number {
    return this.statements.size;
  }

  /** Runs a write in the next group commit; resolves after COMMIT. `declares` feeds the write hook. */
  write<T>(declares: WriteDeclaration, op: () => T): Promise<T> {
    return this.commit.run(op, declares);
  }

  /** Waits for queued writes to commit, then refuses new ones. */
  closeWrites(): Promise<void> {
    return this.commit.close();
  }

  commitStats(): ReturnType<GroupCommit['stats']> {
    return this.commit.stats();
  }
}

/** `(SELECT value FROM json_each(?))`: a list of ids bound as one JSON array parameter. */
export const IDS_JSON = '(SELECT value FROM json_each(?))';

/** What the SQLite read modules (metrics, extensions) need: statements (the facade asks the accelerator). */
export interface SqliteReadContext {
  stmt(sql: string): Database.Statement;
}
