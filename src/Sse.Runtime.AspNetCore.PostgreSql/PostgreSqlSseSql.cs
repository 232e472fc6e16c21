namespace Sse.Runtime.AspNetCore.PostgreSql;

/// <summary>The SQL of the log, for one schema. Every statement is prepared text with parameters; the schema name is a checked identifier.</summary>
internal sealed class PostgreSqlSseSql
{
    public PostgreSqlSseSql(string schema)
    {
        Channel = schema + "_events";
        Schema = $"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            -- Positions for every topic come from one sequence: strictly increasing within a topic (with gaps), never reused.
            CREATE SEQUENCE IF NOT EXISTS {schema}.positions;
            -- One row: the log's epoch, part of every event id. A new database (or a wiped one) is a new epoch.
            CREATE TABLE IF NOT EXISTS {schema}.epoch (
                one boolean PRIMARY KEY DEFAULT true CHECK (one),
                epoch text NOT NULL);
            INSERT INTO {schema}.epoch (epoch) VALUES (substr(md5(random()::text || clock_timestamp()::text), 1, 8)) ON CONFLICT DO NOTHING;
            -- The newest head of any topic forgotten so far (its row removed once retention took all its events): a
            -- topic without a row knows nothing up to here.
            ALTER TABLE {schema}.epoch ADD COLUMN IF NOT EXISTS forgotten_up_to bigint NOT NULL DEFAULT 0;
            -- A topic's newest position, and the newest one retention removed (resuming before it cannot be done).
            CREATE TABLE IF NOT EXISTS {schema}.topics (
                topic text PRIMARY KEY,
                head bigint NOT NULL,
                evicted_up_to bigint NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS {schema}.events (
                topic text NOT NULL,
                position bigint NOT NULL,
                event_type text,
                data bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (topic, position));
            CREATE INDEX IF NOT EXISTS events_created_at ON {schema}.events (created_at);
            -- Until when some server watches the topic (it has subscribers there): retention does not forget a watched
            -- topic's row, so its live subscribers never see it come back as a new life that knows nothing before it.
            ALTER TABLE {schema}.topics ADD COLUMN IF NOT EXISTS watched_until timestamptz;
            """;

        // Serializes schema creation between servers starting at once.
        Lock = "SELECT pg_advisory_xact_lock(hashtext($1))";

        // Whether the schema is already what Schema makes (its newest column exists): then a starting server runs no
        // DDL, whose ALTER TABLE locks would otherwise queue behind (and deadlock with) the other servers' appends.
        // $1 the schema.
        SchemaCurrent = "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'topics' AND column_name = 'watched_until')";
        Epoch = $"SELECT epoch FROM {schema}.epoch";

        // The topic's row is locked until the transaction ends, so a topic's positions become visible in order: the
        // next append to the topic waits for this one to commit or roll back. A topic's new row (a new topic, or one
        // forgotten) knows nothing before its first event: a resume from an earlier position is told it cannot resume.
        // $1 the topic, $2 the event name, $3 the data.
        var appendRows = $"""
            WITH t AS (
                INSERT INTO {schema}.topics AS t (topic, head, evicted_up_to)
                SELECT $1, n, n - 1 FROM (SELECT nextval('{schema}.positions') AS n) first
                ON CONFLICT (topic) DO UPDATE SET head = nextval('{schema}.positions')
                RETURNING t.head),
            e AS (
                INSERT INTO {schema}.events (topic, position, event_type, data)
                SELECT $1, head, $2, $3 FROM t
                RETURNING position)
            """;

        // Within the caller's transaction (the outbox), the wake-up for the other servers goes in the same statement:
        // PostgreSQL delivers it when (and only if) the transaction commits. Its payload is "{position}:{topic}" ($5 is
        // the topic, or empty when too long for a notification: the servers' polling finds it then).
        Append = appendRows + "\nSELECT position, pg_notify($4, position::text || ':' || $5) FROM e";

        // A batch of appends in one transaction (group commit) notifies once per topic afterwards, with NotifyHead:
        // $1 the channel, $2 the topic, $3 the topic for the payload (or empty).
        AppendQuiet = appendRows + "\nSELECT position FROM e";
        NotifyHead = $"SELECT pg_notify($1, head::text || ':' || $3) FROM {schema}.topics WHERE topic = $2";

        // One statement, one snapshot: the head, the retention mark and the events agree. A topic without a row (never
        // had an event, or forgotten) has the forgotten mark as both its head and its retention mark.
        Read = $"""
            SELECT coalesce(t.head, g.forgotten_up_to), coalesce(t.evicted_up_to, g.forgotten_up_to),
                   e.position, e.event_type, e.data, e.created_at
            FROM {schema}.epoch g
            LEFT JOIN {schema}.topics t ON t.topic = $1
            LEFT JOIN LATERAL (
                SELECT position, event_type, data, created_at FROM {schema}.events
                WHERE topic = t.topic AND position > $2
                ORDER BY position
                LIMIT $3) e ON true
            ORDER BY e.position
            """;
        Heads = $"SELECT topic, head FROM {schema}.topics WHERE topic = ANY($1)";

        // A server starts watching a topic: its row exists from now on (a new one knowing nothing up to the forgotten
        // mark, as a read of a missing row says), leased for $2, so that a read after the head learned here is never
        // mistaken for one from a forgotten life.
        Watch = $"""
            INSERT INTO {schema}.topics AS t (topic, head, evicted_up_to, watched_until)
            SELECT $1, g.forgotten_up_to, g.forgotten_up_to, clock_timestamp() + $2::interval FROM {schema}.epoch g
            ON CONFLICT (topic) DO UPDATE SET watched_until = GREATEST(t.watched_until, EXCLUDED.watched_until)
            """;

        // The leases of the topics a server watches, renewed once less than $3 of them is left.
        RenewLeases = $"""
            UPDATE {schema}.topics SET watched_until = clock_timestamp() + $2::interval
            WHERE topic = ANY($1) AND (watched_until IS NULL OR watched_until < clock_timestamp() + $3::interval)
            """;

        // In bulk: what is past the count, the bytes or the age goes (the newest event of a topic stays for the count
        // and the bytes: live delivery reads it from here), and each topic remembers the newest position it lost.
        // $1 the count, $2 the age, $3 the bytes (an event counts its data and 64).
        Retain = $"""
            WITH ranked AS (
                SELECT topic, position, created_at,
                       row_number() OVER (PARTITION BY topic ORDER BY position DESC) AS rn,
                       sum(octet_length(data) + 64) OVER (PARTITION BY topic ORDER BY position DESC) AS bytes
                FROM {schema}.events),
            doomed AS (
                DELETE FROM {schema}.events e USING ranked r
                WHERE e.topic = r.topic AND e.position = r.position
                  AND ((r.rn > 1 AND (r.rn > $1 OR r.bytes > $3)) OR r.created_at < clock_timestamp() - $2::interval)
                RETURNING e.topic, e.position)
            UPDATE {schema}.topics t SET evicted_up_to = GREATEST(t.evicted_up_to, d.max_position)
            FROM (SELECT topic, max(position) AS max_position FROM doomed GROUP BY topic) d
            WHERE t.topic = d.topic
            """;
        // Then the rows of topics retention emptied go (per-user topics come and go by the thousand), raising the
        // forgotten mark. The condition is on the row itself, so an append racing the sweep (it raises head) keeps it.
        Forget = $"""
            WITH gone AS (
                DELETE FROM {schema}.topics t
                WHERE t.evicted_up_to >= t.head
                  AND (t.watched_until IS NULL OR t.watched_until < clock_timestamp())
                  AND NOT EXISTS (SELECT 1 FROM {schema}.events e WHERE e.topic = t.topic)
                RETURNING t.head)
            UPDATE {schema}.epoch SET forgotten_up_to = GREATEST(forgotten_up_to, m.head)
            FROM (SELECT max(head) AS head FROM gone) m
            WHERE m.head IS NOT NULL
            """;
        RetentionLock = "SELECT pg_try_advisory_xact_lock(hashtext($1))";

        // The log's own transactions hold a topic's row (appends) or the retention lock: a server that stalls inside one
        // (paused, frozen, partitioned with its socket open) must not hold them up for every other server. PostgreSQL
        // ends such a session after this long idle in the transaction, which rolls it back and frees its locks.
        StalledTransactionGuard = "SET LOCAL idle_in_transaction_session_timeout = '5s'";
    }

    public string StalledTransactionGuard { get; }

    public string Channel { get; }

    public string Schema { get; }

    public string Lock { get; }

    public string SchemaCurrent { get; }

    public string Epoch { get; }

    public string Append { get; }

    public string AppendQuiet { get; }

    public string NotifyHead { get; }

    public string Read { get; }

    public string Heads { get; }

    public string Watch { get; }

    public string RenewLeases { get; }

    public string Retain { get; }

    public string Forget { get; }

    public string RetentionLock { get; }
}
