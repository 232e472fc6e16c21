using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sse.Contracts;
using Sse.Runtime;

[assembly: SseClient(typeof(Sse.EndToEnd.Tests.IResumeFeed))]
[assembly: SseClient(typeof(Sse.EndToEnd.Tests.IResumeScriptedFeed))]

namespace Sse.EndToEnd.Tests;

/// <summary>One numbered event; its text has multi-byte UTF-8 characters, so cuts can land inside one.</summary>
[SseEvent("numbered")]
public sealed record Numbered([property: SseEventId] long Seq, string Text)
{
    public static Numbered Of(long seq) => new(seq, TextOf(seq));

    /// <summary>Text ending in 日本, whose last UTF-8 byte (0xAC) comes right before the line end.</summary>
    public static string TextOf(long seq) => $"#{seq} ünïcødé € 🚀 日本";
}

/// <summary>An item with a Guid id.</summary>
public sealed record Versioned([property: SseEventId] Guid Version, int Index);

/// <summary>Resumable streams: each has a [LastEventId], so the generated client reconnects and resumes by itself.</summary>
[SseStream("/resume", JsonContext = typeof(ResumeJson))]
public interface IResumeFeed
{
    /// <summary>Numbered events from after <paramref name="lastEventId"/> up to <paramref name="count"/>, <paramref name="delayMs"/> apart.</summary>
    [SseGet("/sequence")]
    IAsyncEnumerable<Numbered> Sequence(int count, int delayMs = 0, [LastEventId] long? lastEventId = null, CancellationToken cancellationToken = default);

    /// <summary>The same as <see cref="Sequence"/>, each event with a short <c>retry:</c>, for a browser's EventSource.</summary>
    [SseGet("/sequence-items")]
    IAsyncEnumerable<SseItem<Numbered>> SequenceItems(int count, [LastEventId] long? lastEventId = null, CancellationToken cancellationToken = default);

    /// <summary>Plain-text events (raw UTF-8 on the wire, unlike JSON's escapes), each with its number as id.</summary>
    [SseGet("/text")]
    IAsyncEnumerable<SseItem<string>> Text(int count, [LastEventId] long? lastEventId = null, CancellationToken cancellationToken = default);

    /// <summary>Not resumable: no [LastEventId].</summary>
    [SseGet("/once")]
    IAsyncEnumerable<Numbered> Once(int count, int delayMs = 0, CancellationToken cancellationToken = default);

    /// <summary>Three versions with Guid ids, resuming after the one given.</summary>
    [SseGet("/versions")]
    IAsyncEnumerable<Versioned> Versions([LastEventId] Guid? lastEventId = null, CancellationToken cancellationToken = default);
}

/// <summary>Client of hand-written endpoints that answer as scripted (statuses, CRLF line ends); never mapped as a server.</summary>
[SseStream("/resume-scripted", JsonContext = typeof(ResumeJson))]
public interface IResumeScriptedFeed
{
    /// <summary>A hand-written resumable stream of plain-text events written with CRLF line ends.</summary>
    [SseGet("/crlf-text")]
    IAsyncEnumerable<SseItem<string>> CrlfText(int count, [LastEventId] long? lastEventId = null, CancellationToken cancellationToken = default);

    /// <summary>Each request of <paramref name="scenario"/> answers the next scripted response.</summary>
    [SseGet("/scripted/{scenario}")]
    IAsyncEnumerable<Numbered> Scripted(string scenario, [LastEventId] long? lastEventId = null, CancellationToken cancellationToken = default);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Numbered))]
[JsonSerializable(typeof(Versioned))]
internal sealed partial class ResumeJson : JsonSerializerContext;

/// <summary>What the resumable endpoints saw: every request's Last-Event-ID and Authorization, by stream.</summary>
public sealed class ResumeProbe
{
    public ConcurrentQueue<(string Stream, string? LastEventId, string? Authorization, DateTimeOffset At)> Requests { get; } = new();

    public int Count(string stream)
    {
        var count = 0;
        foreach (var request in Requests)
        {
            count += request.Stream == stream ? 1 : 0;
        }

        return count;
    }
}

internal sealed class ResumeFeed(ResumeProbe probe, IHttpContextAccessor accessor) : IResumeFeed
{
    public static readonly Guid[] VersionIds = [new("11111111-1111-1111-1111-111111111111"), new("22222222-2222-2222-2222-222222222222"), new("33333333-3333-3333-3333-333333333333")];

    public async IAsyncEnumerable<Numbered> Sequence(int count, int delayMs = 0, long? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Record("sequence", lastEventId?.ToString(CultureInfo.InvariantCulture));
        if (lastEventId >= count)
        {
            throw new SseResumeRejectedException(lastEventId.Value.ToString(CultureInfo.InvariantCulture), $"This sequence has only {count} events.");
        }

        for (var seq = (lastEventId ?? -1) + 1; seq < count; seq++)
        {
            if (delayMs > 0)
            {
                await Task.Delay(delayMs, cancellationToken);
            }
            else if (seq % 100 == 0)
            {
                await Task.Yield();
            }

            yield return Numbered.Of(seq);
        }
    }

    public async IAsyncEnumerable<SseItem<Numbered>> SequenceItems(int count, long? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Record("sequence-items", lastEventId?.ToString(CultureInfo.InvariantCulture));
        var first = true;
        for (var seq = (lastEventId ?? -1) + 1; seq < count; seq++)
        {
            await Task.Delay(2, cancellationToken);
            yield return new SseItem<Numbered>(Numbered.Of(seq), "numbered") { ReconnectionInterval = first ? TimeSpan.FromMilliseconds(100) : null };
            first = false;
        }
    }

    public async IAsyncEnumerable<SseItem<string>> Text(int count, long? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Record("text", lastEventId?.ToString(CultureInfo.InvariantCulture));
        for (var seq = (lastEventId ?? -1) + 1; seq < count; seq++)
        {
            if (seq % 100 == 0)
            {
                await Task.Yield();
            }

            yield return new SseItem<string>(Numbered.TextOf(seq), "text") { EventId = seq.ToString(CultureInfo.InvariantCulture) };
        }
    }

    public async IAsyncEnumerable<Numbered> Once(int count, int delayMs = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Record("once", null);
        for (var seq = 0; seq < count; seq++)
        {
            await Task.Delay(delayMs, cancellationToken);
            yield return Numbered.Of(seq);
        }
    }

    public async IAsyncEnumerable<Versioned> Versions(Guid? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Record("versions", lastEventId?.ToString());
        await Task.Yield();
        var start = lastEventId is { } last ? Array.IndexOf(VersionIds, last) + 1 : 0;
        for (var i = start; i < VersionIds.Length; i++)
        {
            yield return new Versioned(VersionIds[i], i);
        }
    }

    private void Record(string stream, string? lastEventId) =>
        probe.Requests.Enqueue((stream, lastEventId, accessor.HttpContext?.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null, DateTimeOffset.UtcNow));
}

/// <summary>Hand-written endpoints: a CRLF-framed resumable stream, and scripted answers per request.</summary>
internal static class ResumeEndpoints
{
    private static readonly ConcurrentDictionary<string, int> Calls = new();

    public static void Map(WebApplication app)
    {
        app.MapGet("/resume-scripted/crlf-text", static async (HttpContext context, int count, ResumeProbe probe) =>
        {
            var last = context.Request.Headers["Last-Event-ID"].ToString();
            probe.Requests.Enqueue(("crlf-text", last.Length == 0 ? null : last, null, DateTimeOffset.UtcNow));
            context.Response.ContentType = "text/event-stream";
            for (var seq = last.Length == 0 ? 0 : long.Parse(last, CultureInfo.InvariantCulture) + 1; seq < count; seq++)
            {
                await context.Response.WriteAsync($"id: {seq}\r\nevent: text\r\ndata: {Numbered.TextOf(seq)}\r\n\r\n", context.RequestAborted);
                if (seq % 50 == 0)
                {
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }

            await context.Response.WriteAsync("event: sse-end\r\ndata:\r\n\r\n", context.RequestAborted);
        });

        app.MapGet("/resume-scripted/scripted/{scenario}", static async (HttpContext context, string scenario, ResumeProbe probe) =>
        {
            var call = Calls.AddOrUpdate(scenario, 1, static (_, n) => n + 1);
            var last = context.Request.Headers["Last-Event-ID"].ToString();
            probe.Requests.Enqueue((scenario, last.Length == 0 ? null : last, null, DateTimeOffset.UtcNow));
            var kind = scenario.Split('-')[0];
            switch (kind, call)
            {
                case ("utf8", 1):
                    // An id outside ASCII, which the client must send back as UTF-8 when it reconnects.
                    context.Response.ContentType = "text/event-stream";
                    await context.Response.WriteAsync("id: ü-€-🚀\nevent: numbered\ndata: " + JsonSerializer.Serialize(Numbered.Of(0), ResumeJson.Default.Numbered) + "\n\n");
                    return;
                case (_, 1):
                    // Every scenario starts with one event, then a lost connection (no end event).
                    context.Response.ContentType = "text/event-stream";
                    await context.Response.WriteAsync("id: 0\nevent: numbered\ndata: " + JsonSerializer.Serialize(Numbered.Of(0), ResumeJson.Default.Numbered) + "\n\n");
                    return;
                case ("gone", _):
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    context.Response.ContentType = "application/problem+json";
                    await context.Response.WriteAsync("{\"title\":\"Not Found\",\"status\":404,\"detail\":\"This stream is gone.\"}");
                    return;
                case ("busy", 2):
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    context.Response.Headers.RetryAfter = "1";
                    return;
                default:
                    context.Response.ContentType = "text/event-stream";
                    await context.Response.WriteAsync("id: 1\nevent: numbered\ndata: " + JsonSerializer.Serialize(Numbered.Of(1), ResumeJson.Default.Numbered) + "\n\nevent: sse-end\ndata:\n\n");
                    return;
            }
        });
    }
}
