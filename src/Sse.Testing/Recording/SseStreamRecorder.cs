using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime;

namespace Sse.Testing;

/// <summary>
/// Records what one generated client's stream did: the items it yielded, every connection (with the
/// <c>Last-Event-ID</c> it sent), every disconnection with its reason, the gaps the server reported, and how the stream
/// ended. Give the client <see cref="Options"/>, read the stream with <see cref="RecordAsync"/>, then assert with
/// <see cref="SseAssert"/>.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class SseStreamRecorder<T>
{
    private readonly object _gate = new();
    private readonly List<T> _items = [];
    private readonly List<SseConnectedContext> _connections = [];
    private readonly List<SseDisconnectedContext> _disconnections = [];
    private readonly List<SseGapContext> _gaps = [];

    /// <summary>Creates a recorder.</summary>
    /// <param name="options">The client's options, whose callbacks it chains (they still run); <see langword="null"/> for new ones with fast reconnects (10 ms, at most 200 ms).</param>
    /// <param name="context">What to add to every failed assertion's message (the fault proxy's <c>ToString()</c>, with its seed).</param>
    public SseStreamRecorder(SseClientOptions? options = null, Func<string>? context = null)
    {
        Options = options ?? new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(10), MaxReconnectDelay = TimeSpan.FromMilliseconds(200) };
        Context = context;
        var (connected, disconnected, gap) = (Options.OnConnected, Options.OnDisconnected, Options.OnGap);
        Options.OnConnected = c =>
        {
            Add(_connections, c);
            connected?.Invoke(c);
        };
        Options.OnDisconnected = c =>
        {
            Add(_disconnections, c);
            disconnected?.Invoke(c);
        };
        Options.OnGap = c =>
        {
            Add(_gaps, c);
            gap?.Invoke(c);
        };
    }

    /// <summary>Gets the options to build the client with.</summary>
    public SseClientOptions Options { get; }

    /// <summary>Gets what failed assertions add to their message.</summary>
    public Func<string>? Context { get; }

    /// <summary>Gets the items received, in order.</summary>
    public IReadOnlyList<T> Items => Snapshot(_items);

    /// <summary>Gets every connection the client made (the first, then each reconnect), with the <c>Last-Event-ID</c> each sent.</summary>
    public IReadOnlyList<SseConnectedContext> Connections => Snapshot(_connections);

    /// <summary>Gets every disconnection, with its reason and whether the client reconnected.</summary>
    public IReadOnlyList<SseDisconnectedContext> Disconnections => Snapshot(_disconnections);

    /// <summary>Gets the gaps the server reported (events it dropped for this client).</summary>
    public IReadOnlyList<SseGapContext> Gaps => Snapshot(_gaps);

    /// <summary>Gets the <c>Last-Event-ID</c> sent on each connection (<see langword="null"/> for none).</summary>
    public IReadOnlyList<string?> LastEventIdsSent => [.. Connections.Select(static c => c.LastEventId)];

    /// <summary>Gets how many times the client reconnected.</summary>
    public int Reconnects => Math.Max(0, Connections.Count - 1);

    /// <summary>Gets how the stream ended: <see langword="null"/> while it runs or when it completed, else the exception it threw.</summary>
    public Exception? End { get; private set; }

    /// <summary>Gets whether the stream completed (the server's end event) rather than failing or still running.</summary>
    public bool Completed { get; private set; }

    /// <summary>
    /// Reads <paramref name="stream"/> until it ends or, when <paramref name="count"/> is given, until that many items
    /// arrived. An exception the stream throws is recorded as <see cref="End"/>, not thrown.
    /// </summary>
    /// <param name="stream">The generated client's stream.</param>
    /// <param name="count">How many items to wait for, or <see langword="null"/> for all.</param>
    /// <param name="timeout">How long to wait in all (default 30 s); when it passes, <see cref="SseAssertionException"/> says what had arrived.</param>
    /// <returns>A task that completes when the reading stopped.</returns>
    /// <exception cref="SseAssertionException">The timeout passed first.</exception>
    public async Task RecordAsync(IAsyncEnumerable<T> stream, int? count = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        using var deadline = new CancellationTokenSource(limit);

        // The deadline bounds each wait itself: a connected stream (ConnectAsync) is canceled by its own token only.
        var enumerator = stream.GetAsyncEnumerator(deadline.Token);
        var pending = false;
        try
        {
            while (true)
            {
                var next = enumerator.MoveNextAsync().AsTask();
                pending = true;
                if (!await next.WaitAsync(deadline.Token).ConfigureAwait(false))
                {
                    pending = false;
                    Completed = true;
                    return;
                }

                pending = false;
                int received;
                lock (_gate)
                {
                    _items.Add(enumerator.Current);
                    received = _items.Count;
                }

                if (received >= count)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new SseAssertionException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Within {limit.TotalSeconds:0.#} s the stream gave {Items.Count} items{(count is { } c ? $" of the {c} expected" : " and did not end")}; {Describe()}."));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not SseAssertionException)
        {
            pending = false;
            End = ex;
        }
        finally
        {
            // An enumerator with a read pending cannot be disposed; the test disposes the stream, which ends it.
            if (!pending)
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Describes what was recorded, for messages: items, connections with the ids they sent, disconnections, gaps, the end.</summary>
    /// <returns>The description.</returns>
    public string Describe()
    {
        var connections = Connections;
        return $"{connections.Count} connections (Last-Event-ID sent: {string.Join(", ", connections.Select(static c => c.LastEventId is null ? "none" : "'" + c.LastEventId + "'"))}), "
            + $"{Disconnections.Count} disconnections ({string.Join(", ", Disconnections.Select(static d => d.Reason.ToString()))}), {Gaps.Count} gaps, "
            + (End is null ? Completed ? "completed" : "not ended" : "ended with " + End.GetType().Name + ": " + End.Message)
            + (Context is null ? string.Empty : "; " + Context());
    }

    private void Add<TItem>(List<TItem> list, TItem item)
    {
        lock (_gate)
        {
            list.Add(item);
        }
    }

    private List<TItem> Snapshot<TItem>(List<TItem> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }
}
