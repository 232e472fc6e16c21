using System;
using System.Collections.Generic;
using System.Linq;
using Sse.Runtime;

namespace Sse.Testing;

/// <summary>
/// Assertions over a <see cref="SseStreamRecorder{T}"/> that throw <see cref="SseAssertionException"/> with a message
/// saying what went wrong (the first difference, the connections and the ids they sent, the run's seed): plain
/// exceptions, so they work under xunit, NUnit and MSTest alike.
/// </summary>
public static class SseAssert
{
    /// <summary>Asserts the items are exactly <paramref name="expected"/> by a key, in order.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="recorder">The recording.</param>
    /// <param name="expected">The keys expected, in order.</param>
    /// <param name="key">An item's key.</param>
    public static void Sequence<T, TKey>(SseStreamRecorder<T> recorder, IEnumerable<TKey> expected, Func<T, TKey> key)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(key);
        var actual = recorder.Items.Select(key).ToList();
        var wanted = expected.ToList();
        var comparer = EqualityComparer<TKey>.Default;
        for (var i = 0; i < Math.Max(actual.Count, wanted.Count); i++)
        {
            if (i >= actual.Count)
            {
                Fail(recorder, $"Expected {wanted.Count} items, got {actual.Count}: the first missing is {wanted[i]} (item {i}).");
            }

            if (i >= wanted.Count)
            {
                Fail(recorder, $"Expected {wanted.Count} items, got {actual.Count}: item {i} ({actual[i]}) is one too many.");
            }

            if (!comparer.Equals(actual[i], wanted[i]))
            {
                Fail(recorder, $"Item {i} is {actual[i]}, expected {wanted[i]} (before it: {Around(actual, i)}).");
            }
        }
    }

    /// <summary>Asserts every key from <paramref name="first"/> to the last one received came exactly once, in order: no gap, no duplicate.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="recorder">The recording.</param>
    /// <param name="key">An item's number.</param>
    /// <param name="first">The first number expected.</param>
    /// <param name="count">How many are expected in all, or <see langword="null"/> for as many as arrived.</param>
    public static void NoGapNoDuplicate<T>(SseStreamRecorder<T> recorder, Func<T, long> key, long first = 0, int? count = null)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(key);
        var actual = recorder.Items.Select(key).ToList();
        var seen = new HashSet<long>();
        for (var i = 0; i < actual.Count; i++)
        {
            if (!seen.Add(actual[i]))
            {
                Fail(recorder, $"Item {i} ({actual[i]}) is a duplicate (before it: {Around(actual, i)}).");
            }

            if (actual[i] != first + i)
            {
                Fail(recorder, actual[i] > first + i
                    ? $"Gap: item {i} is {actual[i]}, so {first + i} to {actual[i] - 1} are missing (before it: {Around(actual, i)})."
                    : $"Item {i} is {actual[i]}, expected {first + i} (before it: {Around(actual, i)}).");
            }
        }

        if (count is { } expected && actual.Count != expected)
        {
            Fail(recorder, $"Expected {expected} items ({first} to {first + expected - 1}), got {actual.Count}.");
        }
    }

    /// <summary>Asserts the stream ended with the reset signal: the server could not resume it, and the consumer must re-synchronise.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="recorder">The recording.</param>
    /// <returns>The signal, with the server's reason.</returns>
    public static SseResumeRejectedException Reset<T>(SseStreamRecorder<T> recorder)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        return recorder.End as SseResumeRejectedException
            ?? throw Failure(recorder, "Expected the stream to end with the reset signal (SseResumeRejectedException).");
    }

    /// <summary>Asserts the stream completed (the server's end event): not failed, not cut off, not still running.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="recorder">The recording.</param>
    public static void Completed<T>(SseStreamRecorder<T> recorder)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        if (!recorder.Completed)
        {
            Fail(recorder, "Expected the stream to complete.");
        }
    }

    /// <summary>Asserts how many times the client reconnected.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="recorder">The recording.</param>
    /// <param name="times">The reconnects expected.</param>
    public static void Reconnected<T>(SseStreamRecorder<T> recorder, int times)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        if (recorder.Reconnects != times)
        {
            Fail(recorder, $"Expected {times} reconnects, got {recorder.Reconnects}.");
        }
    }

    /// <summary>Asserts every reconnect resumed: it sent a <c>Last-Event-ID</c> (the client never started over).</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="recorder">The recording.</param>
    public static void EveryReconnectResumed<T>(SseStreamRecorder<T> recorder)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        var connections = recorder.Connections;
        for (var i = 1; i < connections.Count; i++)
        {
            if (connections[i].LastEventId is null)
            {
                Fail(recorder, $"Reconnect {i} sent no Last-Event-ID: the stream started over instead of resuming.");
            }
        }
    }

    private static void Fail<T>(SseStreamRecorder<T> recorder, string what) => throw Failure(recorder, what);

    private static SseAssertionException Failure<T>(SseStreamRecorder<T> recorder, string what) =>
        new($"{what} Recorded: {recorder.Items.Count} items, {recorder.Describe()}.");

    private static string Around<TKey>(List<TKey> items, int index) =>
        index == 0 ? "nothing" : string.Join(", ", items.Skip(Math.Max(0, index - 3)).Take(Math.Min(3, index)));
}
