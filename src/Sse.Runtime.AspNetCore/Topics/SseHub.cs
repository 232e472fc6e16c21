using System;
using System.ComponentModel;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Sse.Runtime.AspNetCore.TopicLogs;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Publishes typed events to topics and delivers them to every subscriber: the connections of topic streams
/// (<c>[SseTopic]</c> methods) and in-process subscriptions. Each event is serialized once, appended to the
/// <see cref="ISseTopicLog"/> (which assigns its epoch and position; the event id is <c>{epoch}-{position}</c>), and its frame is
/// written as is to every subscriber. A subscriber that resumes with a Last-Event-ID gets every kept event after it,
/// then the live ones, with no gap and no duplicate.
/// </summary>
/// <remarks>
/// Register it with <c>services.AddSseHub()</c> (the generated <c>Add{Name}Publisher()</c> does). Prefer the generated
/// publisher, whose members are typed by the contract: <c>await chat.Room("lobby").PublishAsync(message)</c>.
/// </remarks>
public sealed class SseHub : IDisposable
{
    private readonly ConcurrentDictionary<string, SseTopicChannel> _channels = new(StringComparer.Ordinal);
    private readonly SseHubOptions _options;
    private int _disposed;

    /// <summary>Creates the hub over a log.</summary>
    /// <param name="log">Where events are kept.</param>
    /// <param name="options">The hub's settings.</param>
    public SseHub(ISseTopicLog log, IOptions<SseHubOptions> options)
        : this(log, options, meterFactory: null)
    {
    }

    /// <summary>Creates the hub over a log, with its instruments on the application's meters.</summary>
    /// <param name="log">Where events are kept.</param>
    /// <param name="options">The hub's settings.</param>
    /// <param name="meterFactory">Makes the hub's meter (<c>Sse.Runtime.AspNetCore</c>), or <see langword="null"/> for a process-wide one.</param>
    public SseHub(ISseTopicLog log, IOptions<SseHubOptions> options, IMeterFactory? meterFactory)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(options);
        TopicLog = log;
        _options = options.Value;
        Metrics = SseServerMetrics.For(meterFactory);
    }

    /// <summary>Gets the topic log the hub keeps events in (in memory, PostgreSQL, …): what resumes are served from.</summary>
    public ISseTopicLog TopicLog { get; }

    internal SseHubOptions Options => _options;

    internal SseServerMetrics Metrics { get; }

    /// <summary>How often this hub's "the log is unavailable" answers are logged.</summary>
    internal SseLogThrottle Outage { get; } = new(TimeSpan.FromSeconds(10));

    /// <summary>Gets a typed handle on a topic, to publish to it and subscribe to it.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="topic">The topic's name.</param>
    /// <param name="format">How items become events (the contract's generated format).</param>
    /// <returns>The handle.</returns>
    /// <remarks>
    /// For generated publishers: an application publishes and subscribes through its contract's <c>{Name}Publisher</c>,
    /// whose methods name each topic and its item type from the contract, so the two sides cannot disagree.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public SseTopic<T> Topic<T>(string topic, SseEventFormat<T> format)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(format);
        return new SseTopic<T>(this, topic, format);
    }

    /// <summary>Gets how many subscribers a topic has on this server.</summary>
    /// <param name="topic">The topic's name.</param>
    /// <returns>The number of subscribers.</returns>
    public int GetSubscriberCount(string topic) => _channels.TryGetValue(topic, out var channel) ? channel.Count : 0;

    /// <summary>Gets the names of the topics with subscribers on this server.</summary>
    /// <returns>The topics.</returns>
    public IReadOnlyCollection<string> GetSubscribedTopics() => [.. _channels.Keys];

    /// <summary>
    /// Ends every subscription (the application is stopping): topic streams end without the end event, so their clients
    /// resume elsewhere or after the restart; in-process subscriptions throw <see cref="SseSubscriptionLostException"/>.
    /// Later subscriptions are refused. Safe to call more than once.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var channel in _channels.Values)
        {
            channel.CloseAll();
        }
    }

    /// <summary>Serializes the item once, appends it, and returns its id.</summary>
    internal async ValueTask<string> PublishAsync<T>(string topic, T item, SseEventFormat<T> format, CancellationToken cancellationToken)
    {
        var content = Serialize(topic, item, format);
        var position = await TopicLog.AppendAsync(topic, content, cancellationToken).ConfigureAwait(false);
        Metrics.Published();
        return SseTopicIds.Id(SseTopicIds.Checked(position.Epoch, TopicLog), position.Position);
    }

    /// <summary>An item as the log keeps it: its validated event name and its data, serialized once, within <see cref="SseHubOptions.MaxEventSize"/>.</summary>
    internal SseTopicEventContent Serialize<T>(string topic, T item, SseEventFormat<T> format)
    {
        var eventType = format.GetEventType(item);
        if (eventType is { Length: 0 })
        {
            eventType = null;
        }

        if (eventType is not null && (!SseProtocol.IsValidFieldValue(eventType) || SseProtocol.IsReservedEventType(eventType)))
        {
            ThrowHelper.ThrowInvalidField("event", eventType, "it contains CR, LF or NUL, or is reserved");
        }

        var data = SerializeData(item, format);
        var size = SseFrameWriter.MaxTopicFrameLength(eventType, data.Span);
        if (size > _options.MaxEventSize)
        {
            // Kept, it would fail every client that replays it; refused, it fails only its publisher.
            Metrics.Refused();
            throw new SseOversizedEventException(topic, size, _options.MaxEventSize);
        }

        return new SseTopicEventContent(eventType, data);
    }

    /// <summary>
    /// Subscribes: the subscriber is owed the kept events after <paramref name="lastEventId"/> (none when it is
    /// <see langword="null"/>), then every event appended later. Throws <see cref="SseResumeRejectedException"/> when the
    /// id cannot be resumed from (another epoch, events discarded, not a hub id), and
    /// <see cref="SseTopicLogUnavailableException"/> when the log cannot be reached.
    /// </summary>
    internal async ValueTask<SseSubscriber> SubscribeAsync(string topic, string? stream, string? lastEventId, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        SseTopicPosition? after = null;
        if (lastEventId is { Length: > 0 })
        {
            if (!SseTopicIds.TryParse(lastEventId, out var epoch, out var position))
            {
                throw new SseResumeRejectedException(lastEventId, "The id is not one of this hub's ids ({epoch}-{position}).");
            }

            after = new SseTopicPosition(epoch, position);
        }

        // An in-process reader is not a socket: when it falls behind it is ended (it resumes), never silently thinned out.
        var policy = httpContext is null ? SseSlowConsumerPolicy.Disconnect : _options.SlowConsumerPolicy;
        while (true)
        {
            var channel = _channels.GetOrAdd(topic, static (name, hub) => new SseTopicChannel(hub.TopicLog, hub._options, hub.Metrics, name), this);
            SseSubscriber? subscriber;
            try
            {
                subscriber = await channel.AddAsync(stream, after, lastEventId, httpContext, policy, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // A channel that never got its first subscriber (the log failed, the id was refused) is not kept.
                if (channel.TryCloseIfEmpty())
                {
                    _channels.TryRemove(new KeyValuePair<string, SseTopicChannel>(topic, channel));
                }

                throw;
            }

            if (subscriber is null)
            {
                // The channel closed under us (its last subscriber left): make a new one.
                _channels.TryRemove(new KeyValuePair<string, SseTopicChannel>(topic, channel));
                continue;
            }

            if (subscriber.ReplayPending)
            {
                // The first page now, so that an id the log no longer covers is refused before the stream starts.
                bool covered;
                try
                {
                    covered = await subscriber.ReadReplayAsync(TopicLog, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    Forget(subscriber, channel);
                    throw;
                }

                if (!covered)
                {
                    Forget(subscriber, channel);
                    throw new SseResumeRejectedException(lastEventId, subscriber.ResetReason!);
                }
            }

            if (Volatile.Read(ref _disposed) != 0)
            {
                // The hub stopped while this one subscribed: the channels it closed did not see it.
                subscriber.Close(SseSubscriberEnd.Stopped);
            }

            Metrics.Subscribed(replayed: after is not null);
            _options.OnSubscribed?.Invoke(new SseSubscriptionInfo(topic, stream, channel.Count, httpContext));
            return subscriber;
        }
    }

    /// <summary>Removes a subscriber that never started (no callbacks: it was never reported as subscribed).</summary>
    private void Forget(SseSubscriber subscriber, SseTopicChannel channel)
    {
        subscriber.Close();
        if (channel.Remove(subscriber, out var remaining) && remaining == 0)
        {
            _channels.TryRemove(new KeyValuePair<string, SseTopicChannel>(subscriber.Topic, channel));
        }
    }

    /// <summary>Ends a subscription and forgets it.</summary>
    internal void Unsubscribe(SseSubscriber subscriber)
    {
        subscriber.Close();
        if (_channels.TryGetValue(subscriber.Topic, out var channel) && channel.Remove(subscriber, out var remaining))
        {
            Metrics.Unsubscribed();
            _options.OnUnsubscribed?.Invoke(new SseSubscriptionInfo(subscriber.Topic, subscriber.Stream, remaining, subscriber.HttpContext));
            if (remaining == 0)
            {
                _channels.TryRemove(new KeyValuePair<string, SseTopicChannel>(subscriber.Topic, channel));
            }
        }
    }

    /// <summary>
    /// Reads events of an in-process subscription as items, keeping the delivery invariant (see
    /// <see cref="SseTopicChannel"/>): its end is the token's cancellation, or an exception that says why it could not
    /// go on (<see cref="SseResumeRejectedException"/>, <see cref="SseSubscriptionLostException"/>), never a silent stop.
    /// </summary>
    internal async IAsyncEnumerable<SseItem<T>> ReadAsync<T>(string topic, SseEventFormat<T> format, string? lastEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscriber = await SubscribeAsync(topic, stream: null, lastEventId, httpContext: null, cancellationToken).ConfigureAwait(false);
        using var registration = cancellationToken.UnsafeRegister(static state => ((SseSubscriber)state!).Close(), subscriber);
        var lastId = lastEventId;
        try
        {
            while (true)
            {
                if (subscriber.ReplayPending)
                {
                    await subscriber.ReadReplayAsync(TopicLog, cancellationToken).ConfigureAwait(false);
                }

                // Read before taking: an end seen here comes after everything queued so far.
                var end = subscriber.End;
                while (subscriber.TryDequeue(out var topicEvent, out _))
                {
                    var eventType = topicEvent.Event.EventType ?? SseProtocol.MessageEventType;
                    lastId = topicEvent.Id;
                    if (format.TryDeserialize(eventType, topicEvent.Event.Data.Span, out var item))
                    {
                        yield return new SseItem<T>(item, eventType) { EventId = lastId };
                    }
                }

                if (subscriber.ReplayPending)
                {
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                switch (end)
                {
                    case SseSubscriberEnd.None:
                        await subscriber.Signal.WaitAsync().ConfigureAwait(false);
                        break;
                    case SseSubscriberEnd.Reset:
                        throw new SseResumeRejectedException(lastId, subscriber.ResetReason!);
                    case SseSubscriberEnd.FellBehind or SseSubscriberEnd.Stopped:
                        throw new SseSubscriptionLostException(topic, fellBehind: end == SseSubscriberEnd.FellBehind);
                    default:
                        // Closed only by the token's registration.
                        cancellationToken.ThrowIfCancellationRequested();
                        yield break;
                }
            }
        }
        finally
        {
            Unsubscribe(subscriber);
        }
    }

    private static ReadOnlyMemory<byte> SerializeData<T>(T item, SseEventFormat<T> format)
    {
        if (format.IsText)
        {
            // Text is kept with its line breaks as LF, as the client reads it. Only CR, LF and CRLF break an SSE line
            // (not ReplaceLineEndings' form feed, NEL or Unicode separators, which are data).
            var text = Encoding.UTF8.GetBytes(format.GetText(item));
            var written = 0;
            for (var read = 0; read < text.Length; read++)
            {
                var b = text[read];
                if (b == (byte)'\r')
                {
                    b = (byte)'\n';
                    if (read + 1 < text.Length && text[read + 1] == (byte)'\n')
                    {
                        read++;
                    }
                }

                text[written++] = b;
            }

            return text.AsMemory(0, written);
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = true, Encoder = format.Encoder }))
        {
            format.Serialize(writer, item);
        }

        // As an iterator stream's frames: a custom converter's raw line breaks would end the data line early.
        var data = buffer.WrittenSpan.ToArray();
        SseFrameWriter.ReplaceLineBreaks(data);
        return data;
    }
}
