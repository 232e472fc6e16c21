using System;
using System.ComponentModel;
using System.Globalization;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Reads and parses the route, query and header values of a generated endpoint without reflection, and answers
/// 400 with problem details that name the parameter when a value is missing or invalid.
/// </summary>
/// <remarks>Values are parsed with the invariant culture, the formats the generated client writes.</remarks>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static class SseParameterBinder
{
    /// <summary>Gets a route value as a string, or <see langword="null"/> when the route has none.</summary>
    /// <param name="context">The request.</param>
    /// <param name="name">The route parameter's name.</param>
    /// <returns>The raw value.</returns>
    public static string? GetRouteValue(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        var value = context.Request.RouteValues[name];
        return value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);
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
