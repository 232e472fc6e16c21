namespace Sse.Generators.Model;

/// <summary>One parameter of a contract method and where its value travels.</summary>
/// <param name="Name">The parameter's name as a C# identifier (<c>@</c>-escaped when a keyword).</param>
/// <param name="WireName">The name on the wire: the route parameter or query key.</param>
/// <param name="TypeFullName">The parameter's type as printed, nullable annotation included.</param>
/// <param name="ValueTypeFullName">The type a value parses to: the underlying type of a <c>Nullable&lt;T&gt;</c>.</param>
/// <param name="DisplayType">The type as a user writes it, for error messages (<c>int?</c>).</param>
/// <param name="Source">Where the value travels.</param>
/// <param name="Kind">How the value is formatted and parsed.</param>
/// <param name="IsNullable">Whether <see langword="null"/> is a valid value.</param>
/// <param name="DefaultValue">The default value as a C# literal, or <see langword="null"/> when the parameter has none.</param>
/// <param name="IsCatchAll">For a route parameter: whether it is a catch-all (<c>{*path}</c>).</param>
/// <param name="IsArray">For a query parameter: whether it is an array, sent as a repeated key.</param>
/// <param name="JsonTypeInfoProperty">For the body: the JSON context's property holding its <c>JsonTypeInfo</c>.</param>
internal sealed record ParameterModel(
    string Name,
    string WireName,
    string TypeFullName,
    string ValueTypeFullName,
    string DisplayType,
    ParameterSource Source,
    ValueKind Kind,
    bool IsNullable,
    string? DefaultValue,
    bool IsCatchAll,
    bool IsArray = false,
    string? JsonTypeInfoProperty = null)
{
    /// <summary>Whether the request must carry a value: not nullable, no default, not an array (which may be empty).</summary>
    public bool IsRequired => !IsNullable && DefaultValue is null && !IsArray;
}

/// <summary>Where a parameter's value travels.</summary>
internal enum ParameterSource
{
    Route,
    Query,
    Header,
    LastEventId,
    Body,
    CancellationToken,
}

/// <summary>How a simple value is formatted by the client and parsed by the server.</summary>
internal enum ValueKind
{
    /// <summary>Not a simple value (the cancellation token).</summary>
    None,

    /// <summary>A complex value sent as the JSON body.</summary>
    Json,

    /// <summary>A <see cref="string"/>, as is.</summary>
    String,

    /// <summary>An <c>IParsable&lt;T&gt;</c> and <c>IFormattable</c> value: numbers, Guid, DateTimeOffset, DateOnly, TimeOnly, TimeSpan.</summary>
    Parsable,

    /// <summary>A <see cref="bool"/>: <c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>An enum, by member name.</summary>
    Enum,

    /// <summary>A <c>DateTime</c>, in round-trip form with its kind.</summary>
    DateTime,
}
