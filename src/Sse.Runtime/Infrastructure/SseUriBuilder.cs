using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Text;

namespace Sse.Runtime.Infrastructure;

/// <summary>
/// Builds the relative URI of a stream request from a route template's literal parts, route values and query
/// values. Values are formatted with the invariant culture (dates round-trip as ISO 8601) and percent-encoded.
/// </summary>
/// <remarks>Used by generated clients; the server side parses the same formats.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SseUriBuilder
{
    private readonly StringBuilder _builder;
    private bool _hasQuery;

    /// <summary>Starts a URI with the literal path <paramref name="path"/>, which must start with <c>/</c>.</summary>
    /// <param name="path">The first literal part of the path.</param>
    public SseUriBuilder(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        _builder = new StringBuilder(path, Math.Max(64, path.Length * 2));
    }

    /// <summary>Appends a literal part of the route template, as is.</summary>
    /// <param name="literal">The literal text.</param>
    public void AppendLiteral(string literal)
    {
        AssertPathPhase();
        _builder.Append(literal);
    }

    /// <summary>Appends a route value, percent-encoded as one path segment.</summary>
    /// <param name="value">The value.</param>
    /// <param name="parameterName">The parameter's name, for the error when the value is null or empty.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is null or empty: a route value cannot be empty.</exception>
    public void AppendPathValue(string? value, string parameterName)
    {
        AssertPathPhase();
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The route value '{parameterName}' cannot be null or empty.", parameterName);
        }

        ThrowIfDotSegment(value, parameterName);
        _builder.Append(Uri.EscapeDataString(value));
    }

    /// <summary>Appends a catch-all route value: each <c>/</c>-separated segment percent-encoded, the slashes kept.</summary>
    /// <param name="value">The value.</param>
    /// <param name="parameterName">The parameter's name, for the error when a segment cannot travel.</param>
    public void AppendCatchAllValue(string? value, string parameterName)
    {
        AssertPathPhase();
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var first = true;
        foreach (var segment in value.Split('/'))
        {
            ThrowIfDotSegment(segment, parameterName);
            if (!first)
            {
                _builder.Append('/');
            }

            _builder.Append(Uri.EscapeDataString(segment));
            first = false;
        }
    }

    /// <summary>Appends a formattable route value (numbers, <see cref="Guid"/>, enums, dates).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The value.</param>
    public void AppendPathValue<T>(T value)
        where T : IFormattable
    {
        AssertPathPhase();
        _builder.Append(Uri.EscapeDataString(Format(value)));
    }

    /// <summary>Appends a <see cref="bool"/> route value as <c>true</c> or <c>false</c>.</summary>
    /// <param name="value">The value.</param>
    public void AppendPathValue(bool value)
    {
        AssertPathPhase();
        _builder.Append(value ? "true" : "false");
    }

    /// <summary>Appends a nullable route value of a required route part.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="parameterName">The parameter's name, for the error when the value is null.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is null: the route part is not optional.</exception>
    public void AppendPathValue<T>(T? value, string parameterName)
        where T : struct, IFormattable
    {
        if (!value.HasValue)
        {
            throw new ArgumentException($"The route value '{parameterName}' cannot be null: its route part is not optional.", parameterName);
        }

        AppendPathValue(value.GetValueOrDefault());
    }

    /// <summary>Appends a nullable <see cref="bool"/> route value of a required route part.</summary>
    /// <param name="value">The value.</param>
    /// <param name="parameterName">The parameter's name, for the error when the value is null.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is null: the route part is not optional.</exception>
    public void AppendPathValue(bool? value, string parameterName)
    {
        if (!value.HasValue)
        {
            throw new ArgumentException($"The route value '{parameterName}' cannot be null: its route part is not optional.", parameterName);
        }

        AppendPathValue(value.GetValueOrDefault());
    }

    /// <summary>
    /// Appends the value of an optional route part (<c>{id?}</c>); for <see langword="null"/> or empty, leaves the part out
    /// together with the separator before it (<c>/a/{id?}</c> becomes <c>/a</c>).
    /// </summary>
    /// <param name="value">The value.</param>
    public void AppendOptionalPathValue(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            OmitOptionalPart();
            return;
        }

        AppendPathValue(value, "value");
    }

    /// <summary>Appends the value of an optional route part; for <see langword="null"/>, leaves it out with its separator.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The value.</param>
    public void AppendOptionalPathValue<T>(T? value)
        where T : struct, IFormattable
    {
        if (!value.HasValue)
        {
            OmitOptionalPart();
            return;
        }

        AppendPathValue(value.GetValueOrDefault());
    }

    /// <summary>Appends the <see cref="bool"/> value of an optional route part; for <see langword="null"/>, leaves it out with its separator.</summary>
    /// <param name="value">The value.</param>
    public void AppendOptionalPathValue(bool? value)
    {
        if (!value.HasValue)
        {
            OmitOptionalPart();
            return;
        }

        AppendPathValue(value.GetValueOrDefault());
    }

    /// <summary>Appends <c>name=value</c> to the query string; nothing when <paramref name="value"/> is <see langword="null"/>.</summary>
    /// <param name="name">The query key.</param>
    /// <param name="value">The value.</param>
    public void AppendQuery(string name, string? value)
    {
        if (value is not null)
        {
            AppendQueryCore(name, value);
        }
    }

    /// <summary>Appends <c>name=value</c> to the query string.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="name">The query key.</param>
    /// <param name="value">The value.</param>
    public void AppendQuery<T>(string name, T value)
        where T : IFormattable
    {
        AppendQueryCore(name, Format(value));
    }

    /// <summary>Appends <c>name=value</c> to the query string; nothing when <paramref name="value"/> is <see langword="null"/>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="name">The query key.</param>
    /// <param name="value">The value.</param>
    public void AppendQuery<T>(string name, T? value)
        where T : struct, IFormattable
    {
        if (value.HasValue)
        {
            AppendQueryCore(name, Format(value.GetValueOrDefault()));
        }
    }

    /// <summary>Appends <c>name=true</c> or <c>name=false</c> to the query string.</summary>
    /// <param name="name">The query key.</param>
    /// <param name="value">The value.</param>
    public void AppendQuery(string name, bool value) => AppendQueryCore(name, value ? "true" : "false");

    /// <summary>Appends <c>name=true</c> or <c>name=false</c>; nothing when <paramref name="value"/> is <see langword="null"/>.</summary>
    /// <param name="name">The query key.</param>
    /// <param name="value">The value.</param>
    public void AppendQuery(string name, bool? value)
    {
        if (value.HasValue)
        {
            AppendQuery(name, value.GetValueOrDefault());
        }
    }

    /// <summary>Appends <c>name=value</c> once per value (<c>?ids=1&amp;ids=2</c>); nothing for <see langword="null"/> or empty.</summary>
    /// <param name="name">The query key.</param>
    /// <param name="values">The values; <see langword="null"/> elements are skipped.</param>
    public void AppendQueryValues(string name, IEnumerable<string?>? values)
    {
        if (values is null)
        {
            return;
        }

        foreach (var value in values)
        {
            AppendQuery(name, value);
        }
    }

    /// <summary>Appends <c>name=value</c> once per value (<c>?ids=1&amp;ids=2</c>); nothing for <see langword="null"/> or empty.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="name">The query key.</param>
    /// <param name="values">The values.</param>
    public void AppendQueryValues<T>(string name, IEnumerable<T>? values)
        where T : IFormattable
    {
        if (values is null)
        {
            return;
        }

        foreach (var value in values)
        {
            AppendQuery(name, value);
        }
    }

    /// <summary>Appends <c>name=true</c> or <c>name=false</c> once per value.</summary>
    /// <param name="name">The query key.</param>
    /// <param name="values">The values.</param>
    public void AppendQueryValues(string name, IEnumerable<bool>? values)
    {
        if (values is null)
        {
            return;
        }

        foreach (var value in values)
        {
            AppendQuery(name, value);
        }
    }

    /// <summary>Returns the relative URI built so far.</summary>
    /// <returns>The relative URI, starting with <c>/</c>.</returns>
    public override string ToString() => _builder.ToString();

    /// <summary>Formats a value the way the server's binder parses it: invariant culture, ISO 8601 for dates and times.</summary>
    internal static string Format<T>(T value)
        where T : IFormattable
    {
        // typeof checks on value types fold away when T is specialised, under the JIT and Native AOT alike.
        string? format = typeof(T) == typeof(DateTime) || typeof(T) == typeof(DateTimeOffset) || typeof(T) == typeof(DateOnly) || typeof(T) == typeof(TimeOnly)
            ? "O"
            : null;
        return value.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A path segment <c>.</c> or <c>..</c>, even percent-encoded, is removed by URI normalization and by servers
    /// (RFC 3986 section 5.2.4), so such a value could never arrive: it is refused with the way out.
    /// </summary>
    private static void ThrowIfDotSegment(string segment, string parameterName)
    {
        if (segment is "." or "..")
        {
            throw new ArgumentException($"The route value '{parameterName}' is or contains the path segment '{segment}', which URI normalization removes, so it cannot travel in the route; send it in the query string or a header instead.", parameterName);
        }
    }

    /// <summary>An optional part left out takes its separator with it, as ASP.NET Core routing matches <c>/a/{id?}</c> for <c>/a</c>.</summary>
    private void OmitOptionalPart()
    {
        AssertPathPhase();
        if (_builder.Length > 1 && _builder[^1] is '/' or '.')
        {
            _builder.Length--;
        }
    }

    private void AppendQueryCore(string name, string value)
    {
        _builder.Append(_hasQuery ? '&' : '?');
        _hasQuery = true;
        _builder.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
    }

    private void AssertPathPhase()
    {
        if (_hasQuery)
        {
            throw new InvalidOperationException("Path parts must be appended before the query string.");
        }
    }
}
