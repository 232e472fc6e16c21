using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Sse.Generators.Parsing;

/// <summary>
/// The types the parsers recognise, resolved once per compilation (as System.Text.Json's generator keeps its
/// <c>KnownTypeSymbols</c>), so a check is a symbol comparison rather than formatting a name. A type the compilation
/// cannot resolve to one symbol (missing, or defined twice) is <see langword="null"/>, and nothing is taken for it.
/// </summary>
internal sealed class KnownSymbols
{
    private static readonly ConditionalWeakTable<Compilation, KnownSymbols> Cache = new();

    private KnownSymbols(Compilation compilation)
    {
        INamedTypeSymbol? Get(string metadataName) => compilation.GetTypeByMetadataName(metadataName);

        SseStreamAttribute = Get("Sse.Contracts.SseStreamAttribute");
        SseGetAttribute = Get("Sse.Contracts.SseGetAttribute");
        SsePostAttribute = Get("Sse.Contracts.SsePostAttribute");
        SseEventAttribute = Get("Sse.Contracts.SseEventAttribute");
        SseEventIdAttribute = Get("Sse.Contracts.SseEventIdAttribute");
        SseHeaderAttribute = Get("Sse.Contracts.SseHeaderAttribute");
        SseTopicAttribute = Get("Sse.Contracts.SseTopicAttribute");
        SseRunAttribute = Get("Sse.Contracts.SseRunAttribute");
        LastEventIdAttribute = Get("Sse.Contracts.LastEventIdAttribute");
        SseClientAttribute = Get("Sse.Contracts.SseClientAttribute");
        SseServerAttribute = Get("Sse.Contracts.SseServerAttribute");

        AsyncEnumerable = Get("System.Collections.Generic.IAsyncEnumerable`1");
        SseItem = Get("System.Net.ServerSentEvents.SseItem`1");
        Task = Get("System.Threading.Tasks.Task");
        TaskOfT = Get("System.Threading.Tasks.Task`1");
        CancellationToken = Get("System.Threading.CancellationToken");
        Guid = Get("System.Guid");
        DateTimeOffset = Get("System.DateTimeOffset");
        DateOnly = Get("System.DateOnly");
        TimeOnly = Get("System.TimeOnly");
        TimeSpan = Get("System.TimeSpan");
        Uri = Get("System.Uri");
        Version = Get("System.Version");
        Half = Get("System.Half");
        Int128 = Get("System.Int128");
        UInt128 = Get("System.UInt128");
        Formattable = Get("System.IFormattable");
        Utf8SpanFormattable = Get("System.IUtf8SpanFormattable");
        Dictionary = Get("System.Collections.Generic.IDictionary`2");
        ReadOnlyDictionary = Get("System.Collections.Generic.IReadOnlyDictionary`2");

        JsonSerializerContext = Get("System.Text.Json.Serialization.JsonSerializerContext");
        JsonSerializableAttribute = Get("System.Text.Json.Serialization.JsonSerializableAttribute");
        JsonSourceGenerationOptionsAttribute = Get("System.Text.Json.Serialization.JsonSourceGenerationOptionsAttribute");
        JsonPropertyNameAttribute = Get("System.Text.Json.Serialization.JsonPropertyNameAttribute");
        JsonIgnoreAttribute = Get("System.Text.Json.Serialization.JsonIgnoreAttribute");
        JsonIncludeAttribute = Get("System.Text.Json.Serialization.JsonIncludeAttribute");
        JsonConverterAttribute = Get("System.Text.Json.Serialization.JsonConverterAttribute");
        JsonStringEnumMemberNameAttribute = Get("System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute");
        JsonNumberHandlingAttribute = Get("System.Text.Json.Serialization.JsonNumberHandlingAttribute");
        JsonExtensionDataAttribute = Get("System.Text.Json.Serialization.JsonExtensionDataAttribute");
        JsonDerivedTypeAttribute = Get("System.Text.Json.Serialization.JsonDerivedTypeAttribute");
        JsonPolymorphicAttribute = Get("System.Text.Json.Serialization.JsonPolymorphicAttribute");
        JsonStringEnumConverter = Get("System.Text.Json.Serialization.JsonStringEnumConverter");
        JsonStringEnumConverterOfT = Get("System.Text.Json.Serialization.JsonStringEnumConverter`1");
        JsonElement = Get("System.Text.Json.JsonElement");
        JsonNode = Get("System.Text.Json.Nodes.JsonNode");
        JsonObject = Get("System.Text.Json.Nodes.JsonObject");
    }

    public INamedTypeSymbol? SseStreamAttribute { get; }

    public INamedTypeSymbol? SseGetAttribute { get; }

    public INamedTypeSymbol? SsePostAttribute { get; }

    public INamedTypeSymbol? SseEventAttribute { get; }

    public INamedTypeSymbol? SseEventIdAttribute { get; }

    public INamedTypeSymbol? SseHeaderAttribute { get; }

    public INamedTypeSymbol? SseTopicAttribute { get; }

    /// <summary>Gets <c>Sse.Contracts.SseRunAttribute</c>, if referenced.</summary>
    public INamedTypeSymbol? SseRunAttribute { get; }

    public INamedTypeSymbol? LastEventIdAttribute { get; }

    public INamedTypeSymbol? SseClientAttribute { get; }

    public INamedTypeSymbol? SseServerAttribute { get; }

    public INamedTypeSymbol? AsyncEnumerable { get; }

    public INamedTypeSymbol? SseItem { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? Guid { get; }

    public INamedTypeSymbol? DateTimeOffset { get; }

    public INamedTypeSymbol? DateOnly { get; }

    public INamedTypeSymbol? TimeOnly { get; }

    public INamedTypeSymbol? TimeSpan { get; }

    public INamedTypeSymbol? Uri { get; }

    public INamedTypeSymbol? Version { get; }

    public INamedTypeSymbol? Half { get; }

    public INamedTypeSymbol? Int128 { get; }

    public INamedTypeSymbol? UInt128 { get; }

    public INamedTypeSymbol? Formattable { get; }

    public INamedTypeSymbol? Utf8SpanFormattable { get; }

    public INamedTypeSymbol? Dictionary { get; }

    public INamedTypeSymbol? ReadOnlyDictionary { get; }

    public INamedTypeSymbol? JsonSerializerContext { get; }

    public INamedTypeSymbol? JsonSerializableAttribute { get; }

    public INamedTypeSymbol? JsonSourceGenerationOptionsAttribute { get; }

    public INamedTypeSymbol? JsonPropertyNameAttribute { get; }

    public INamedTypeSymbol? JsonIgnoreAttribute { get; }

    public INamedTypeSymbol? JsonIncludeAttribute { get; }

    public INamedTypeSymbol? JsonConverterAttribute { get; }

    public INamedTypeSymbol? JsonStringEnumMemberNameAttribute { get; }

    public INamedTypeSymbol? JsonNumberHandlingAttribute { get; }

    public INamedTypeSymbol? JsonExtensionDataAttribute { get; }

    public INamedTypeSymbol? JsonDerivedTypeAttribute { get; }

    public INamedTypeSymbol? JsonPolymorphicAttribute { get; }

    public INamedTypeSymbol? JsonStringEnumConverter { get; }

    public INamedTypeSymbol? JsonStringEnumConverterOfT { get; }

    public INamedTypeSymbol? JsonElement { get; }

    public INamedTypeSymbol? JsonNode { get; }

    public INamedTypeSymbol? JsonObject { get; }

    /// <summary>The known symbols of a compilation, made on first use.</summary>
    public static KnownSymbols For(Compilation compilation) => Cache.GetValue(compilation, static c => new KnownSymbols(c));

    /// <summary>Whether <paramref name="type"/> is <paramref name="known"/> (a generic one by its definition).</summary>
    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
        type is not null && known is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);

    /// <summary>Whether the attribute is of the known attribute type.</summary>
    public static bool Is(AttributeData attribute, INamedTypeSymbol? known) => Is(attribute.AttributeClass, known);

    /// <summary>The first attribute of <paramref name="symbol"/> of the known type, or <see langword="null"/>.</summary>
    public static AttributeData? Find(ISymbol symbol, INamedTypeSymbol? known)
    {
        if (known is null)
        {
            return null;
        }

        foreach (var attribute in symbol.GetAttributes())
        {
            if (Is(attribute, known))
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="symbol"/> has an attribute of the known type.</summary>
    public static bool Has(ISymbol symbol, INamedTypeSymbol? known) => Find(symbol, known) is not null;

    /// <summary>Whether <paramref name="type"/> implements the known interface.</summary>
    public static bool Implements(ITypeSymbol type, INamedTypeSymbol? known)
    {
        if (known is null)
        {
            return false;
        }

        foreach (var candidate in type.AllInterfaces)
        {
            if (Is(candidate, known))
            {
                return true;
            }
        }

        return false;
    }
}
