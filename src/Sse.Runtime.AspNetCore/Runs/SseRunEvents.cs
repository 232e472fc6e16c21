using System;
using System.Buffers;
using System.Text.Json;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// What a run (<c>[SseRun]</c>) keeps in the topic log besides its items: its id and topic, the marker that opens it
/// (<c>sse-run</c>: the run's id, method, start and deadline) and the terminal events that end it (<c>sse-end</c>,
/// <c>sse-error</c>), which attached streams write as they are and then end.
/// </summary>
internal static class SseRunEvents
{
    /// <summary>The length of a run id: 16 random bytes in base64url, 128 bits that cannot be guessed.</summary>
    public const int IdLength = SseProtocol.RunIdLength;

    /// <summary>A new run id: 16 random bytes, base64url without padding (<c>[A-Za-z0-9_-]</c>, safe in a URL path).</summary>
    public static string NewId() => SseProtocol.NewRunId();

    /// <summary>Whether <paramref name="id"/> has the form of a run id (anything else is answered 404 without a read).</summary>
    public static bool IsValidId(string? id)
    {
        if (id is not { Length: IdLength })
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The topic a run's events are kept in: <c>sse/runs/{method}/{id}</c> (topic names starting <c>sse/</c> are the library's).</summary>
    public static string Topic(string displayName, string runId) => string.Concat("sse/runs/", displayName, "/", runId);

    /// <summary>The topic a cancel writes to for the server doing the run, which watches it: <c>{run topic}/cancel</c>.</summary>
    public static string CancelTopic(string runTopic) => runTopic + "/cancel";

    /// <summary>What a cancel writes to <see cref="CancelTopic"/>.</summary>
    public static SseTopicEventContent CancelRequest() => new(SseProtocol.RunEventType, "{\"cancel\":true}"u8.ToArray());

    /// <summary>Whether an event ends its run.</summary>
    public static bool IsTerminal(string? eventType) =>
        eventType is SseProtocol.EndEventType or SseProtocol.ErrorEventType;

    /// <summary>The end of a run that completed, or that someone cancelled (<paramref name="reason"/> says which, for other clients).</summary>
    public static SseTopicEventContent End(string reason) =>
        new(SseProtocol.EndEventType, Json(writer =>
        {
            writer.WriteString("reason"u8, reason);
        }));

    /// <summary>The failure of a run: a problem (<c>title</c>, <c>detail</c>), as every stream's <c>sse-error</c>.</summary>
    public static SseTopicEventContent Error(string title, string detail) =>
        new(SseProtocol.ErrorEventType, Json(writer =>
        {
            writer.WriteString("title"u8, title);
            writer.WriteString("detail"u8, detail);
        }));

    /// <summary>The marker that opens a run's log.</summary>
    public static SseTopicEventContent Marker(string runId, string displayName, DateTimeOffset started, DateTimeOffset deadline) =>
        new(SseProtocol.RunEventType, Json(writer =>
        {
            writer.WriteString("run"u8, runId);
            writer.WriteString("stream"u8, displayName);
            writer.WriteString("started"u8, started);
            writer.WriteString("deadline"u8, deadline);
        }));

    /// <summary>Reads a run's deadline from its marker; <see langword="false"/> when the event is not a marker.</summary>
    public static bool TryReadDeadline(SseTopicEvent topicEvent, out DateTimeOffset deadline)
    {
        deadline = default;
        if (topicEvent.EventType != SseProtocol.RunEventType)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(topicEvent.Data.Span);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("deadline"u8) && reader.Read())
                {
                    return reader.TryGetDateTimeOffset(out deadline);
                }
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    private static ReadOnlyMemory<byte> Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory.ToArray();
    }
}
