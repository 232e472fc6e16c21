using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.Infrastructure;
using Xunit;

namespace Sse.Runtime.Tests;

/// <summary>
/// The session behaviour table in <c>tests/Shared/session-behaviour.json</c>, which the TypeScript client runs too
/// (<c>clients/typescript/test/session.test.ts</c>): what both clients declare (reserved names, header names, defaults,
/// disconnect reasons), the reconnection delays, and scripted servers answering each connection in turn.
/// </summary>
public sealed class SessionBehaviourTests
{
    private static readonly JsonElement Table = Load();

    private static JsonElement Load()
    {
        using var document = JsonDocument.Parse(System.IO.File.ReadAllText(Sse.Tests.RepoPaths.File("tests/Shared/session-behaviour.json")));
        return document.RootElement.Clone();
    }

    public static IEnumerable<object[]> Delays() => Table.GetProperty("delays").EnumerateArray().Select(static d => new object[] { d.GetProperty("name").GetString()! });

    public static IEnumerable<object[]> Sessions() => Table.GetProperty("sessions").EnumerateArray().Select(static s => new object[] { s.GetProperty("name").GetString()! });

    [Fact]
    public void Protocol_ThisClientDeclares_IsTheTables()
    {
        var protocol = Table.GetProperty("protocol");

        // The protocol facts are compiled into each package from src/Shared/SseProtocol.cs.
        var facts = typeof(SseClientOptions).Assembly.GetType("Sse.SseProtocol", throwOnError: true)!;
        string Fact(string name) => (string)facts.GetField(name)!.GetValue(null)!;
        var reserved = protocol.GetProperty("reservedEvents");
        Assert.Equal(reserved.GetProperty("end").GetString(), Fact("EndEventType"));
        Assert.Equal(reserved.GetProperty("error").GetString(), Fact("ErrorEventType"));
        Assert.Equal(reserved.GetProperty("reset").GetString(), Fact("ResetEventType"));
        Assert.Equal(reserved.GetProperty("gap").GetString(), Fact("GapEventType"));
        Assert.Equal(reserved.GetProperty("reauthenticate").GetString(), Fact("ReauthenticateEventType"));
        Assert.Equal(reserved.GetProperty("run").GetString(), Fact("RunEventType"));
        Assert.Equal(6, ((string[])facts.GetField("ReservedEventTypes")!.GetValue(null)!).Length);
        Assert.Equal(protocol.GetProperty("lastEventIdHeader").GetString(), Fact("LastEventIdHeader"));
        Assert.Equal(protocol.GetProperty("lastEventIdQuery").GetString(), Fact("LastEventIdQuery"));

        var defaults = protocol.GetProperty("defaults");
        var options = new SseClientOptions();
        Assert.Equal(defaults.GetProperty("maxEventBytes").GetInt32(), options.MaxEventSize);
        Assert.Equal(defaults.GetProperty("idleTimeoutMs").GetInt32(), (int)options.IdleTimeout.TotalMilliseconds);
        Assert.Equal(defaults.GetProperty("initialReconnectDelayMs").GetInt32(), (int)options.InitialReconnectDelay.TotalMilliseconds);
        Assert.Equal(defaults.GetProperty("maxReconnectDelayMs").GetInt32(), (int)options.MaxReconnectDelay.TotalMilliseconds);

        Assert.Equal(
            protocol.GetProperty("disconnectReasons").EnumerateArray().Select(static r => r.GetString()!).Order(StringComparer.Ordinal),
            Enum.GetValues<SseDisconnectReason>().Select(Reason).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Delays))]
    public void Delay(string name)
    {
        var d = Table.GetProperty("delays").EnumerateArray().Single(d => d.GetProperty("name").GetString() == name);
        var delay = SseReconnectPolicy.Delay(
            TimeSpan.FromMilliseconds(d.GetProperty("reconnectionTimeMs").GetDouble()),
            TimeSpan.FromMilliseconds(d.GetProperty("maxDelayMs").GetDouble()),
            d.TryGetProperty("retryAfterMs", out var retryAfter) ? TimeSpan.FromMilliseconds(retryAfter.GetDouble()) : null,
            d.GetProperty("attempt").GetInt32(),
            d.GetProperty("random").GetDouble());

        Assert.Equal(d.GetProperty("expectedMs").GetInt64(), (long)Math.Floor(delay.TotalMilliseconds));
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public async Task Session(string name)
    {
        var s = Table.GetProperty("sessions").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
        var server = new ScriptedServer([.. s.GetProperty("connections").EnumerateArray().Select(Answer)]);
        var disconnects = new List<string>();
        var gaps = new List<long>();
        var options = new SseClientOptions
        {
            InitialReconnectDelay = TimeSpan.Zero,
            IdleTimeout = Option(s, "idleTimeoutMs") is { } idle ? TimeSpan.FromMilliseconds(idle) : Timeout.InfiniteTimeSpan,
            OnDisconnected = c => disconnects.Add(Reason(c.Reason)),
            OnGap = c => gaps.Add(c.Missed),
        };
        if (s.TryGetProperty("options", out var o) && o.TryGetProperty("requireEndEvent", out var requireEnd))
        {
            options.RequireEndEvent = requireEnd.GetBoolean();
        }

        if (Option(s, "maxReconnectAttempts") is { } attempts)
        {
            options.MaxReconnectAttempts = attempts;
        }

        if (Option(s, "maxEventBytes") is { } maxEventBytes)
        {
            options.MaxEventSize = maxEventBytes;
        }

        var request = new SseRequest("Test.Feed", HttpMethod.Get, "/feed", s.GetProperty("resumable").GetBoolean())
        {
            LastEventId = s.TryGetProperty("lastEventId", out var initialId) ? initialId.GetString() : null,
        };
        var items = new List<string>();
        Exception? error = null;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await foreach (var item in SseStreamReader.ReadAsync(server.Client(), request, RawFormat.Instance, options, cts.Token))
            {
                items.Add(item);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            error = ex;
        }

        var e = s.GetProperty("expected");
        Assert.Equal(e.GetProperty("items").EnumerateArray().Select(static i => i.GetString()!), items);
        Assert.True(e.GetProperty("end").GetString() == End(error), $"Expected '{e.GetProperty("end").GetString()}', ended with {error?.GetType().Name ?? "the end"}: {error?.Message}");
        if (e.TryGetProperty("requests", out var requests))
        {
            Assert.Equal(requests.GetInt32(), server.Requests.Count);
        }

        if (e.TryGetProperty("lastEventIds", out var ids))
        {
            Assert.Equal(ids.EnumerateArray().Select(static i => i.ValueKind == JsonValueKind.Null ? null : i.GetString()), server.Requests.Select(static r => r.LastEventId));
        }

        if (e.TryGetProperty("reauthenticated", out var reauthenticated))
        {
            // The reconnect after sse-reauth tells the application's handlers to get a fresh credential.
            Assert.Equal(reauthenticated.EnumerateArray().Select(static r => r.GetBoolean()), server.Requests.Select(static r => r.Reauthenticate));
        }

        if (e.TryGetProperty("disconnects", out var expectedDisconnects))
        {
            Assert.Equal(expectedDisconnects.EnumerateArray().Select(static r => r.GetString()!), disconnects);
        }

        Assert.Equal(e.TryGetProperty("gaps", out var expectedGaps) ? expectedGaps.EnumerateArray().Select(static g => g.GetInt64()) : [], gaps);
        if (e.TryGetProperty("status", out var status))
        {
            Assert.Equal(status.GetInt32(), (int)((SseHttpException)error!).StatusCode!);
        }

        if (e.TryGetProperty("detail", out var detail))
        {
            Assert.Equal(detail.GetString(), error is SseResumeRejectedException rejected ? rejected.Reason : ((SseStreamFailedException)error!).Detail);
        }

        if (e.TryGetProperty("lastEventId", out var rejectedId))
        {
            Assert.Equal(rejectedId.GetString(), ((SseResumeRejectedException)error!).LastEventId);
        }
    }

    private static int? Option(JsonElement session, string name) =>
        session.TryGetProperty("options", out var options) && options.TryGetProperty(name, out var value) ? value.GetInt32() : null;

    private static Answer Answer(JsonElement connection)
    {
        if (connection.TryGetProperty("refused", out var refused) && refused.GetBoolean())
        {
            return Runtime.Tests.Answer.Refused;
        }

        var status = connection.TryGetProperty("status", out var s) ? (HttpStatusCode)s.GetInt32() : HttpStatusCode.OK;
        var ending = connection.TryGetProperty("ending", out var end) ? end.GetString() switch { "reset" => Ending.Reset, "hang" => Ending.Hang, _ => Ending.Eof } : Ending.Eof;
        var contentType = connection.TryGetProperty("contentType", out var type) ? type.GetString()! : status == HttpStatusCode.OK ? "text/event-stream" : "application/problem+json";
        var body = connection.TryGetProperty("body", out var b) ? b.GetString()! : status == HttpStatusCode.OK ? string.Empty : "{\"title\":\"no\"}";
        return new Answer(status, body, ending, ContentType: contentType);
    }

    /// <summary>The table's name of a disconnect reason (the TypeScript client's own words).</summary>
    private static string Reason(SseDisconnectReason reason) => reason switch
    {
        SseDisconnectReason.ConnectFailed => "connect-failed",
        SseDisconnectReason.RetryableStatus => "retryable-status",
        SseDisconnectReason.ConnectionError => "connection-error",
        SseDisconnectReason.EndOfStream => "end-of-stream",
        SseDisconnectReason.IdleTimeout => "idle-timeout",
        SseDisconnectReason.Reauthenticate => "reauthenticate",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "A reason the table does not know: add it to both clients and the table."),
    };

    private static string End(Exception? error) => error switch
    {
        null => "ended",
        SseConnectionLostException => "connection-lost",
        SseHttpException => "http-error",
        SseContentTypeException => "content-type",
        SseStreamFailedException => "stream-failed",
        SseResumeRejectedException => "resume-rejected",
        SseEventTooLargeException => "event-too-large",
        _ => error.GetType().Name,
    };
}
