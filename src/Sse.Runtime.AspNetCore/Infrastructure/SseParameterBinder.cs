using System;
using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Sse.Runtime.AspNetCore.Infrastructure;

/// <summary>
/// Reads and parses the route, query and header values of a generated endpoint without reflection, and answers
/// 400 with problem details that name the parameter when a value is missing or invalid.
/// </summary>
/// <remarks>Values are parsed with the invariant culture, the formats the generated client writes.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SseParameterBinder
{
    /// <summary>
    /// Gets a route value as the client sent it, or <see langword="null"/> when the route has none. Unlike routing's own
    /// value, a <c>/</c> or <c>%</c> inside it round-trips exactly (see <see cref="RouteValueDecoder"/>).
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="name">The route parameter's name.</param>
    /// <returns>The raw value.</returns>
    public static string? GetRouteValue(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        var value = context.Request.RouteValues[name];
        return value is null ? null : RouteValueDecoder.Decode(context, name, Convert.ToString(value, CultureInfo.InvariantCulture)!);
    }

    /// <summary>Gets a query value, or <see langword="null"/> when the key is absent. Repeated keys are joined with commas.</summary>
    /// <param name="context">The request.</param>
    /// <param name="name">The query key.</param>
    /// <returns>The raw value.</returns>
    public static string? GetQueryValue(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = context.Request.Query[name];
        return StringValues.IsNullOrEmpty(values) ? null : values.ToString();
    }

    /// <summary>Gets a request header's value, or <see langword="null"/> when the request has none. Repeated headers are joined with commas.</summary>
    /// <param name="context">The request.</param>
    /// <param name="name">The header name.</param>
    /// <returns>The raw value.</returns>
    public static string? GetHeaderValue(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = context.Request.Headers[name];
        return StringValues.IsNullOrEmpty(values) ? null : values.ToString();
    }

    /// <summary>
    /// Gets the last event id a reconnecting client sent: the <c>Last-Event-ID</c> header, or where a client cannot set
    /// headers (an EventSource polyfill), the <c>lastEventId</c> query parameter. <see langword="null"/> when neither is there.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <returns>The raw id.</returns>
    public static string? GetLastEventId(HttpContext context) =>
        GetHeaderValue(context, SseProtocol.LastEventIdHeader) ?? GetQueryValue(context, SseProtocol.LastEventIdQuery);

    /// <summary>Gets every value of a repeated query key (<c>?ids=1&amp;ids=2</c>), empty when the key is absent.</summary>
    /// <param name="context">The request.</param>
    /// <param name="name">The query key.</param>
    /// <returns>The raw values.</returns>
    public static StringValues GetQueryValues(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.Query[name];
    }

    /// <summary>Copies every value of a repeated query key into a string array.</summary>
    /// <param name="values">The raw values.</param>
    /// <returns>The values.</returns>
    public static string[] ToArray(StringValues values)
    {
        var result = new string[values.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = values[i] ?? string.Empty;
        }

        return result;
    }

    /// <summary>Parses every value of a repeated query key; on failure <paramref name="invalid"/> is the first bad value.</summary>
    /// <typeparam name="T">A parsable type.</typeparam>
    /// <param name="values">The raw values.</param>
    /// <param name="result">The parsed values.</param>
    /// <param name="invalid">The first value that did not parse.</param>
    /// <returns>Whether every value was valid.</returns>
    public static bool TryParseAll<T>(StringValues values, out T[] result, out string? invalid)
        where T : IParsable<T>
    {
        result = new T[values.Count];
        for (var i = 0; i < result.Length; i++)
        {
            if (!TryParse(values[i], out result[i]))
            {
                invalid = values[i];
                return false;
            }
        }

        invalid = null;
        return true;
    }

    /// <summary>Parses every value of a repeated query key as an enum member.</summary>
    /// <typeparam name="T">The enum type.</typeparam>
    /// <param name="values">The raw values.</param>
    /// <param name="result">The parsed values.</param>
    /// <param name="invalid">The first value that did not parse.</param>
    /// <returns>Whether every value was valid.</returns>
    public static bool TryParseAllEnums<T>(StringValues values, out T[] result, out string? invalid)
        where T : struct, Enum
    {
        result = new T[values.Count];
        for (var i = 0; i < result.Length; i++)
        {
            if (!TryParseEnum(values[i], out result[i]))
            {
                invalid = values[i];
                return false;
            }
        }

        invalid = null;
        return true;
    }

    /// <summary>Parses every value of a repeated query key as a round-trip <see cref="DateTime"/>.</summary>
    /// <param name="values">The raw values.</param>
    /// <param name="result">The parsed values.</param>
    /// <param name="invalid">The first value that did not parse.</param>
    /// <returns>Whether every value was valid.</returns>
    public static bool TryParseAllDateTimes(StringValues values, out DateTime[] result, out string? invalid)
    {
        result = new DateTime[values.Count];
        for (var i = 0; i < result.Length; i++)
        {
            if (!TryParseDateTime(values[i], out result[i]))
            {
                invalid = values[i];
                return false;
            }
        }

        invalid = null;
        return true;
    }

    /// <summary>
    /// Reads the JSON request body as <typeparamref name="T"/> with its source-generated metadata. Answers 415 when the
    /// body is not JSON, 400 when it is missing (and required) or not valid JSON for the type, naming the parameter.
    /// The body's nullable annotations and required constructor parameters are enforced (on .NET 9 and later), so a
    /// missing or null non-nullable property is a 400 that names it, not a null inside the implementation.
    /// </summary>
    /// <typeparam name="T">The body type.</typeparam>
    /// <param name="context">The request.</param>
    /// <param name="parameter">The parameter's name.</param>
    /// <param name="typeInfo">The body type's JSON metadata.</param>
    /// <param name="required">Whether an empty body is an error.</param>
    /// <returns>The body, or an invalid result once the error response is written.</returns>
    public static async ValueTask<SseBody<T>> ReadJsonBodyAsync<T>(HttpContext context, string parameter, JsonTypeInfo<T> typeInfo, bool required)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(typeInfo);
        var request = context.Request;
        // The server knows whether a body can follow (HTTP/1.1 framing, or an HTTP/2 stream not yet ended), headers alone do not.
        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength != 0;
        if (!canHaveBody || request.ContentLength == 0)
        {
            if (required)
            {
                await SseProblemWriter.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad Request", $"The request body for parameter '{parameter}' is required.").ConfigureAwait(false);
                return default;
            }

            return new SseBody<T>(default!);
        }

        if (!request.HasJsonContentType())
        {
            await SseProblemWriter.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", $"The request body for parameter '{parameter}' must be JSON (Content-Type: application/json), not '{request.ContentType}'.").ConfigureAwait(false);
            return default;
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, StrictBodyTypeInfo.For(typeInfo), context.RequestAborted).ConfigureAwait(false);
            if (value is null && required)
            {
                await SseProblemWriter.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad Request", $"The request body for parameter '{parameter}' is required, but it was null.").ConfigureAwait(false);
                return default;
            }

            return new SseBody<T>(value!);
        }
        catch (JsonException ex)
        {
            await SseProblemWriter.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad Request", $"The request body is not valid JSON for parameter '{parameter}' ({typeof(T).Name}): {ex.Message}").ConfigureAwait(false);
            return default;
        }
        catch (BadHttpRequestException ex)
        {
            // The server refused the body itself (over MaxRequestBodySize: 413; too slow: 408): its own status and reason.
            await SseProblemWriter.WriteAsync(context, ex.StatusCode, ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Payload Too Large" : "Bad Request", $"The request body for parameter '{parameter}' was refused: {ex.Message}").ConfigureAwait(false);
            return default;
        }
    }

    /// <summary>Parses <paramref name="value"/> as <typeparamref name="T"/> with the invariant culture.</summary>
    /// <typeparam name="T">A parsable type: a number, <see cref="Guid"/>, <see cref="DateTimeOffset"/>, <see cref="bool"/>.</typeparam>
    /// <param name="value">The raw value.</param>
    /// <param name="result">The parsed value.</param>
    /// <returns>Whether the value was valid.</returns>
    public static bool TryParse<T>(string? value, out T result)
        where T : IParsable<T>
        => T.TryParse(value, CultureInfo.InvariantCulture, out result!);

    /// <summary>Parses an enum member by name (case-insensitive) or number; a number must name a defined member.</summary>
    /// <typeparam name="T">The enum type.</typeparam>
    /// <param name="value">The raw value.</param>
    /// <param name="result">The parsed value.</param>
    /// <returns>Whether the value was valid.</returns>
    public static bool TryParseEnum<T>(string? value, out T result)
        where T : struct, Enum
        => Enum.TryParse(value, ignoreCase: true, out result) && Enum.IsDefined(result);

    /// <summary>Parses a <see cref="DateTime"/> in round-trip (ISO 8601) form, keeping its kind.</summary>
    /// <param name="value">The raw value.</param>
    /// <param name="result">The parsed value.</param>
    /// <returns>Whether the value was valid.</returns>
    public static bool TryParseDateTime(string? value, out DateTime result)
        => DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out result);

    /// <summary>Answers 400: a required value is missing.</summary>
    /// <param name="context">The request.</param>
    /// <param name="parameter">The parameter's name.</param>
    /// <param name="source">Where it is read from: <c>route value</c>, <c>query string</c>, <c>header</c>.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public static Task WriteMissingAsync(HttpContext context, string parameter, string source) =>
        SseProblemWriter.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad Request", $"The required {source} parameter '{parameter}' was not provided.");

    /// <summary>Answers 400: a value is not valid for its parameter's type.</summary>
    /// <param name="context">The request.</param>
    /// <param name="parameter">The parameter's name.</param>
    /// <param name="source">Where it is read from: <c>route value</c>, <c>query string</c>, <c>header</c>.</param>
    /// <param name="typeName">The parameter's type as the contract declares it.</param>
    /// <param name="value">The raw value.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public static Task WriteInvalidAsync(HttpContext context, string parameter, string source, string typeName, string? value) =>
        SseProblemWriter.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad Request", $"The value '{Truncate(value)}' is not valid for {source} parameter '{parameter}' ({typeName}).");

    private static string Truncate(string? value) =>
        value is null ? string.Empty : value.Length <= 100 ? value : value[..100] + "…";
}

/// <summary>A request body read by <see cref="SseParameterBinder.ReadJsonBodyAsync{T}"/>: its value, or invalid once an error response is written.</summary>
/// <typeparam name="T">The body type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct SseBody<T>
{
    /// <summary>Creates a valid body.</summary>
    /// <param name="value">The value.</param>
    public SseBody(T value)
    {
        Value = value;
        IsValid = true;
    }

    /// <summary>Gets whether the body was read; when not, the error response is already written.</summary>
    public bool IsValid { get; }

    /// <summary>Gets the body.</summary>
    public T Value { get; }
}
