namespace Sse.Runtime.AspNetCore.Redis;

/// <summary>
/// The log's Lua scripts. Each touches one topic's keys only (its metadata hash and its stream, and for an idempotent
/// append its dedupe key), which share a hash tag, so each runs atomically on one node of a cluster too. KEYS[1] is
/// the metadata hash (<c>epoch</c>, <c>head</c>), KEYS[2] the stream, whose entry ids are the positions
/// (<c>{position}-0</c>) and whose fields are <c>t</c> (milliseconds since 1970), <c>d</c> (the data) and, when the
/// event has a name, <c>e</c>. ARGV[1] is always a fresh epoch, taken only when the topic has no metadata: a topic
/// created, or one whose metadata was lost (evicted, expired, flushed, a restart without persistence), whose stale
/// events are then deleted, so positions can start again without any old id pointing at a new event.
/// </summary>
internal static class RedisSseScripts
{
    private const string Prelude = """
        local meta, stream = KEYS[1], KEYS[2]
        local epoch = redis.call('HGET', meta, 'epoch')
        local created = false
        if not epoch then
          epoch = ARGV[1]
          created = true
          redis.call('DEL', stream)
          redis.call('HSET', meta, 'epoch', epoch, 'head', 0)
        end
        local function trim_age(cutoff)
          local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
          if #first == 0 or tonumber(first[1][2][2]) >= cutoff then return end
          for _ = 1, 8 do
            local oldest = redis.call('XRANGE', stream, '-', '+', 'COUNT', 16)
            if #oldest == 0 then return end
            for _, entry in ipairs(oldest) do
              if tonumber(entry[2][2]) >= cutoff then
                redis.call('XTRIM', stream, 'MINID', entry[1])
                return
              end
            end
            local last = string.match(oldest[#oldest][1], '^(%d+)')
            redis.call('XTRIM', stream, 'MINID', string.format('%d', tonumber(last) + 1))
          end
        end
        local function discarded(head)
          local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
          if #first == 0 then return head end
          return tonumber(string.match(first[1][1], '^(%d+)')) - 1
        end
        local function expire(ttl)
          redis.call('PEXPIRE', meta, ttl)
          if redis.call('EXISTS', stream) == 1 then redis.call('PEXPIRE', stream, ttl) end
        end

        """;

    /// <summary>
    /// Appends: ARGV[2] the event name, ARGV[3] '1' when it has one, ARGV[4] the data, ARGV[5] now (ms), ARGV[6] the
    /// count bound (MAXLEN ~), ARGV[7] the keys' time to live (ms), ARGV[8] the age cutoff (ms), ARGV[9] the channel,
    /// ARGV[10] PUBLISH or SPUBLISH, ARGV[11] the idempotency window (ms; '0' for none, KEYS[3] the dedupe key).
    /// Increments the head, adds the entry at it, trims, refreshes the expiry, then announces "{epoch}:{head}:{now}".
    /// Returns { epoch, position, 1 when it was a repeated idempotent append }.
    /// </summary>
    public const string Append = Prelude + """
        if ARGV[11] ~= '0' then
          local prior = redis.call('GET', KEYS[3])
          if prior then
            local sep = string.find(prior, ':', 1, true)
            if sep and string.sub(prior, 1, sep - 1) == epoch then
              return { epoch, tonumber(string.sub(prior, sep + 1)), 1 }
            end
          end
        end
        local head = redis.call('HINCRBY', meta, 'head', 1)
        local id = string.format('%d', head) .. '-0'
        if ARGV[3] == '1' then
          redis.call('XADD', stream, 'MAXLEN', '~', ARGV[6], id, 't', ARGV[5], 'd', ARGV[4], 'e', ARGV[2])
        else
          redis.call('XADD', stream, 'MAXLEN', '~', ARGV[6], id, 't', ARGV[5], 'd', ARGV[4])
        end
        trim_age(tonumber(ARGV[8]))
        expire(ARGV[7])
        if ARGV[11] ~= '0' then
          redis.call('SET', KEYS[3], epoch .. ':' .. string.format('%d', head), 'PX', ARGV[11])
        end
        redis.call(ARGV[10], ARGV[9], epoch .. ':' .. string.format('%d', head) .. ':' .. ARGV[5])
        return { epoch, head, 0 }
        """;

    /// <summary>
    /// The head: ARGV[2] the keys' time to live (ms), ARGV[3] the age cutoff (ms), ARGV[4] '1' to refresh the expiry (a
    /// watched topic). Returns { epoch, head, discarded up to }.
    /// </summary>
    public const string Head = Prelude + """
        trim_age(tonumber(ARGV[3]))
        if created or ARGV[4] == '1' then expire(ARGV[2]) end
        local head = tonumber(redis.call('HGET', meta, 'head'))
        return { epoch, head, discarded(head) }
        """;

    /// <summary>
    /// Reads: ARGV[2] the keys' time to live (ms), ARGV[3] the age cutoff (ms), ARGV[4] the first entry id to read
    /// ('' for none), ARGV[5] the most entries. Returns { epoch, head, discarded up to, entries }, in one view.
    /// </summary>
    public const string Read = Prelude + """
        trim_age(tonumber(ARGV[3]))
        if created then expire(ARGV[2]) end
        local head = tonumber(redis.call('HGET', meta, 'head'))
        local entries = {}
        if ARGV[4] ~= '' then
          entries = redis.call('XRANGE', stream, ARGV[4], '+', 'COUNT', ARGV[5])
        end
        return { epoch, head, discarded(head), entries }
        """;

    /// <summary>
    /// Starts a new epoch when the topic still has the one a server saw go backwards (its head fell below what that
    /// server had seen: writes lost in a crash before they were persisted), so positions handed out twice are never
    /// confused; the counter is moved up to the stream's last id if it fell below it, so the next append fits.
    /// ARGV[2] the epoch seen, ARGV[3] the new one, ARGV[4] the keys' time to live. Returns the epoch now.
    /// </summary>
    public const string Rotate = Prelude + """
        if epoch == ARGV[2] then
          if redis.call('EXISTS', stream) == 1 then
            local info = redis.call('XINFO', 'STREAM', stream)
            for i = 1, #info, 2 do
              if info[i] == 'last-generated-id' then
                local last = tonumber(string.match(info[i + 1], '^(%d+)'))
                if last > tonumber(redis.call('HGET', meta, 'head')) then redis.call('HSET', meta, 'head', string.format('%d', last)) end
              end
            end
          end
          redis.call('HSET', meta, 'epoch', ARGV[3])
          expire(ARGV[4])
          return ARGV[3]
        end
        return epoch
        """;
}
