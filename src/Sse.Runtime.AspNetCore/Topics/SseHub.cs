using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Publishes typed events to topics and delivers them to every subscriber: the connections of topic streams
/// (<c>[SseTopic]</c> methods) and in-process subscriptions. Each event is serialized once, appended to the
/// <see cref="ISseTopicLog"/> (which assigns its position; the event id is <c>{epoch}-{position}</c>), and its frame is
/// written as is to every subscriber. A subscriber that resumes with a Last-Event-ID gets every kept event after it,
/// then the live ones, with no gap and no duplicate.
/// </summary>
/// <remarks>
/// Register it with <c>services.AddSseHub()</c> (the generated <c>Add{Name}Publisher()</c> does). Prefer the generated
/// publisher, whose members are typed by the contract: <c>await chat.Room("lobby").PublishAsync(message)</c>.
/// </remarks>
public sealed class SseHub : IDisposable
{
    private readonly ConcurrentDictionary<string, TopicChannel> _channels = new(StringComparer.Ordinal);
    private readonly SseHubOptions _options;

    /// <summary>Creates the hub over a log.</summary>
    /// <param name="log">Where events are kept.</param>
    /// <param name="options">The hub's settings.</param>
    public SseHub(ISseTopicLog log, IOptions<SseHubOptions> options)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(options);
        Log = log;
        _options = options.Value;
    }

    /// <summary>Gets the log the hub keeps events in.</summary>
    public ISseTopicLog Log { get; }

    internal SseHubOptions Options => _options;

    /// <summary>Gets a typed handle on a topic, to publish to it and subscribe to it.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="topic">The topic's name.</param>
    /// <param name="format">How items become events (the contract's generated format).</param>
    /// <returns>The handle.</returns>
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

    /// <summary>Ends every subscription (the application is stopping).</summary>
    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.CloseAll();
        }
    }

    /// <summary>Serializes the item once, appends it, and returns its id.</summary>
    internal async ValueTask<string> PublishAsync<T>(string topic, T item, SseEventFormat<T> format, CancellationToken cancellationToken)
    {
        var content = Serialize(item, format);
        var position = await Log.AppendAsync(topic, content.EventType, content.Data, cancellationToken).ConfigureAwait(false);
        SseServerMetrics.Published(topic);
        return SseTopicFrames.Id(Log.Epoch, position);
    }

    /// <summary>Gets the id subscribers see for the event at <paramref name="position"/> of a topic (<c>{epoch}-{position}</c>).</summary>
    /// <param name="position">The event's position, as the log assigned it.</param>
    /// <returns>The event id.</returns>
    public string GetEventId(long position) => SseTopicFrames.Id(Log.Epoch, position);

    /// <summary>An item as the log keeps it: its validated event name and its data, serialized once.</summary>
    internal static SseTopicEventContent Serialize<T>(T item, SseEventFormat<T> format)
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

        return new SseTopicEventContent(eventType, SerializeData(item, format));
    }

    /// <summary>
    /// Subscribes: the subscriber gets the kept events after <paramref name="lastEventId"/> (none when it is
    /// <see langword="null"/>), then every event appended later. Throws <see cref="SseResumeRejectedException"/> when the
    /// id cannot be resumed from (another epoch, events discarded, not a hub id).
    /// </summary>
    internal async ValueTask<SseSubscriber> SubscribeAsync(string topic, string? stream, string? lastEventId, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        long? after = null;
        if (lastEventId is { Length: > 0 })
        {
            if (!SseTopicFrames.TryParse(lastEventId, Log.Epoch, out var position))
            {
                throw new SseResumeRejectedException(lastEventId, "The id is not one of this topic's current ids (it may be from before a restart).");
            }

            after = position;
        }

        while (true)
        {
            var channel = _channels.GetOrAdd(topic, static (name, hub) => new TopicChannel(hub, name), this);
            var subscriber = await channel.AddAsync(stream, after, httpContext, cancellationToken).ConfigureAwait(false);
            if (subscriber is not null)
            {
                SseServerMetrics.Subscribed(topic, replayed: after is not null);
                _options.OnSubscribed?.Invoke(new SseSubscriptionInfo(topic, stream, channel.Count, httpContext));
                return subscriber;
            }

            // The channel closed under us (its last subscriber left): make a new one.
            _channels.TryRemove(new KeyValuePair<string, TopicChannel>(topic, channel));
        }
    }

    /// <summary>Ends a subscription and forgets it.</summary>
    internal void Unsubscribe(SseSubscriber subscriber)
    {
        subscriber.Close();
        if (_channels.TryGetValue(subscriber.Topic, out var channel) && channel.Remove(subscriber, out var remaining))
        {
            SseServerMetrics.Unsubscribed(subscriber.Topic);
            _options.OnUnsubscribed?.Invoke(new SseSubscriptionInfo(subscriber.Topic, subscriber.Stream, remaining, subscriber.HttpContext));
            if (remaining == 0)
            {
                _channels.TryRemove(new KeyValuePair<string, TopicChannel>(subscriber.Topic, channel));
            }
        }
    }

    /// <summary>Reads events of an in-process subscription as items.</summary>
    internal async IAsyncEnumerable<SseItem<T>> ReadAsync<T>(string topic, SseEventFormat<T> format, string? lastEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscriber = await SubscribeAsync(topic, stream: null, lastEventId, httpContext: null, cancellationToken).ConfigureAwait(false);
        using var registration = cancellationToken.UnsafeRegister(static state => ((SseSubscriber)state!).Close(), subscriber);
        try
        {
            while (true)
            {
                while (subscriber.TryDequeue(out var topicEvent))
                {
                    var eventType = topicEvent.EventType ?? SseProtocol.MessageEventType;
                    if (format.TryDeserialize(eventType, topicEvent.Data.Span, out var item))
                    {
                        yield return new SseItem<T>(item, eventType) { EventId = SseTopicFrames.Id(Log.Epoch, topicEvent.Position) };
                    }
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (subscriber.IsClosed)
                {
                    yield break;
                }

                await subscriber.Signal.WaitAsync().ConfigureAwait(false);
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

    /// <summary>
    /// A topic with subscribers on this server: it watches the log and hands each new event to every subscriber, in
    /// order. Delivering and adding a subscriber are serialized, so a subscriber resuming while events are published
    /// gets each event exactly once.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A SemaphoreSlim whose wait handle is never used holds nothing to dispose; disposing it under a late waiter would only throw.")]
    private sealed class TopicChannel
    {
        private readonly SseHub _hub;
        private readonly string _topic;
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly object _membership = new();
        private SseSubscriber[] _subscribers = [];
        private IDisposable? _watch;
        private long _delivered = -1;
        private long _known;
        private int _dispatching;
        private bool _closed;

        public TopicChannel(SseHub hub, string topic)
        {
            _hub = hub;
            _topic = topic;
        }

        public int Count => Volatile.Read(ref _subscribers).Length;

        public async ValueTask<SseSubscriber?> AddAsync(string? stream, long? after, HttpContext? httpContext, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            SseSubscriber subscriber;
            try
            {
                if (Volatile.Read(ref _closed))
                {
                    return null;
                }

                if (_watch is null)
                {
                    // Watch first, then learn the head: an append in between is both counted and reported.
                    _watch = _hub.Log.Watch(_topic, OnAppended);
                    _delivered = (await _hub.Log.ReadAsync(_topic, long.MaxValue, 0, cancellationToken).ConfigureAwait(false)).Head;
                }

                subscriber = new SseSubscriber(_topic, stream, after ?? _delivered, _hub._options, httpContext);
                if (after is { } position && position < _delivered)
                {
                    // Replay what was delivered before this subscriber came; what comes after, delivery brings.
                    var read = await _hub.Log.ReadAsync(_topic, position, int.MaxValue, cancellationToken).ConfigureAwait(false);
                    if (read.IsTruncated)
                    {
                        throw new SseResumeRejectedException(SseTopicFrames.Id(_hub.Log.Epoch, position), "Events after this id are no longer kept; the subscriber fell too far behind.");
                    }

                    foreach (var topicEvent in read.Events)
                    {
                        if (topicEvent.Position > _delivered)
                        {
                            break;
                        }

                        subscriber.Enqueue(topicEvent, bounded: false);
                    }
                }
                else if (after is { } ahead && ahead > _delivered)
                {
                    // An id past anything this topic has delivered is not one of its ids.
                    var read = await _hub.Log.ReadAsync(_topic, ahead, 0, cancellationToken).ConfigureAwait(false);
                    if (read.IsTruncated || ahead > read.Head)
                    {
                        throw new SseResumeRejectedException(SseTopicFrames.Id(_hub.Log.Epoch, ahead), "The id is not one of this topic's.");
                    }
                }

                lock (_membership)
                {
                    if (_closed)
                    {
                        return null;
                    }

                    Volatile.Write(ref _subscribers, [.. _subscribers, subscriber]);
                }
            }
            finally
            {
                _gate.Release();
            }

            // Appends reported while the gate was held are delivered now.
            if (Volatile.Read(ref _known) > Volatile.Read(ref _delivered))
            {
                await DispatchAsync().ConfigureAwait(false);
            }

            return subscriber;
        }

        public bool Remove(SseSubscriber subscriber, out int remaining)
        {
            lock (_membership)
            {
                var subscribers = _subscribers;
                var index = Array.IndexOf(subscribers, subscriber);
                if (index < 0)
                {
                    remaining = subscribers.Length;
                    return false;
                }

                var copy = new SseSubscriber[subscribers.Length - 1];
                Array.Copy(subscribers, 0, copy, 0, index);
                Array.Copy(subscribers, index + 1, copy, index, subscribers.Length - index - 1);
                Volatile.Write(ref _subscribers, copy);
                remaining = copy.Length;
                if (remaining == 0)
                {
                    _closed = true;
                    _watch?.Dispose();
                }

                return true;
            }
        }

        public void CloseAll()
        {
            foreach (var subscriber in Volatile.Read(ref _subscribers))
            {
                subscriber.Close();
            }
        }

        private void OnAppended(long position)
        {
            long known;
            do
            {
                known = Volatile.Read(ref _known);
            }
            while (position > known && Interlocked.CompareExchange(ref _known, position, known) != known);

            _ = DispatchAsync();
        }

        /// <summary>Delivers every event up to the newest known, once; concurrent calls leave it to the one running.</summary>
        private async Task DispatchAsync()
        {
            while (Volatile.Read(ref _known) > Volatile.Read(ref _delivered))
            {
                if (Interlocked.Exchange(ref _dispatching, 1) != 0)
                {
                    return;
                }

                try
                {
                    await _gate.WaitAsync().ConfigureAwait(false);
                    try
                    {
                        while (!Volatile.Read(ref _closed) && Volatile.Read(ref _known) > _delivered)
                        {
                            SseTopicRead read;
                            try
                            {
                                read = await _hub.Log.ReadAsync(_topic, _delivered, 256, CancellationToken.None).ConfigureAwait(false);
                            }
                            catch (Exception ex) when (ex is not OutOfMemoryException)
                            {
                                // The log is unavailable (a database restarting): the next report or poll delivers.
                                SseServerMetrics.LogReadFailed(_topic);
                                return;
                            }

                            if (read.Events.Count == 0)
                            {
                                _delivered = Math.Max(_delivered, read.Head);
                                break;
                            }

                            var subscribers = _subscribers;
                            foreach (var topicEvent in read.Events)
                            {
                                foreach (var subscriber in subscribers)
                                {
                                    if (subscriber.Enqueue(topicEvent))
                                    {
                                        SseServerMetrics.FellBehind(_topic, _hub._options.SlowConsumerPolicy);
                                    }
                                }

                                _delivered = topicEvent.Position;
                            }
                        }
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
                finally
                {
                    Volatile.Write(ref _dispatching, 0);
                }
            }
        }
    }
}
