using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>
/// Maps .NET types to TypeScript type trees the way a <c>JsonSerializerContext</c> writes them as JSON: its naming
/// policy, <c>[JsonPropertyName]</c>, <c>[JsonIgnore]</c>, nullability, enums as numbers or (with a string enum
/// converter) names, number handling, collections as arrays and string-keyed dictionaries as records, polymorphism as
/// discriminated unions. Object, enum and union types become declarations, named once each.
/// </summary>
internal sealed class TypeScriptTypeMapper
{
    private readonly KnownSymbols _known;
    private readonly JsonContextOptions _options;
    private readonly Dictionary<ITypeSymbol, string> _names = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// Declared names so far, starting with the globals and runtime types the generated code uses: a type of the
    /// contract named <c>Record</c> or <c>Promise</c> is declared as <c>Record2</c> rather than shadow them.
    /// </summary>
    private readonly HashSet<string> _taken = new(System.StringComparer.Ordinal)
    {
        "Array", "AbortSignal", "AsyncGenerator", "Boolean", "Date", "Error", "JSON", "Map", "Number", "Object", "Promise",
        "Record", "Set", "String", "Symbol", "SseClientOptions", "SseItem",
    };

    private readonly List<TsDeclaration?> _declarations = new();

    /// <summary>How numbers of the member being mapped are written (its attribute, its type's, or the context's).</summary>
    private JsonNumbers _numberHandling;

    /// <param name="jsonContext">The contract's JSON context, whose options shape the types.</param>
    /// <param name="known">The compilation's known types.</param>
    /// <param name="reserved">Names the generated client uses for its own declarations.</param>
    public TypeScriptTypeMapper(INamedTypeSymbol jsonContext, KnownSymbols known, IEnumerable<string> reserved)
    {
        _known = known;
        _options = JsonContextOptions.Read(jsonContext, known);
        _taken.UnionWith(reserved);
        _numberHandling = _options.NumberHandling;
    }

    /// <summary>The declarations made so far, in the order first used.</summary>
    public EquatableArray<TsDeclaration> Declarations => _declarations.Select(static d => d!).ToEquatableArray();

    /// <summary>The TypeScript type of a value of <paramref name="type"/> (with <c>| null</c> when it may be null).</summary>
    public TsType Map(ITypeSymbol type)
    {
        if (type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T && type is INamedTypeSymbol wrapper)
        {
            return TsType.OrNull(Map(wrapper.TypeArguments[0]));
        }

        var mapped = MapNotNull(type);
        return type.NullableAnnotation == NullableAnnotation.Annotated && !type.IsValueType ? TsType.OrNull(mapped) : mapped;
    }

    private TsType MapNotNull(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_String:
            case SpecialType.System_Char:
            case SpecialType.System_DateTime:
                return TsType.String;
            case SpecialType.System_Boolean:
                return TsType.Boolean;
            case SpecialType.System_Byte:
            case SpecialType.System_SByte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Decimal:
                return Number(floatingPoint: false);
            case SpecialType.System_Single:
            case SpecialType.System_Double:
                return Number(floatingPoint: true);
            case SpecialType.System_Object:
                return TsType.Unknown;
        }

        var known = _known;
        if (Is(type, known.DateTimeOffset, known.DateOnly, known.TimeOnly, known.TimeSpan, known.Guid, known.Uri, known.Version))
        {
            return TsType.String;
        }

        if (Is(type, known.Half))
        {
            return Number(floatingPoint: true);
        }

        if (Is(type, known.Int128, known.UInt128))
        {
            return Number(floatingPoint: false);
        }

        if (Is(type, known.JsonElement, known.JsonNode, known.JsonObject))
        {
            return TsType.Unknown;
        }

        if (type is IArrayTypeSymbol array)
        {
            // byte[] is base64 text.
            return array.ElementType.SpecialType == SpecialType.System_Byte ? TsType.String : new TsArray(Map(array.ElementType));
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return Declare(type, () => EnumDeclaration((INamedTypeSymbol)type));
        }

        if (type is INamedTypeSymbol named)
        {
            if (DictionaryValue(named) is { } value)
            {
                return new TsRecord(Map(value));
            }

            if (SequenceElement(named) is { } element)
            {
                return new TsArray(Map(element));
            }

            if (named.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Interface)
            {
                return Declare(type, () => DerivedTypes(named).Count > 0 ? UnionDeclaration(named) : new TsInterface(string.Empty, Properties(named)));
            }
        }

        return TsType.Unknown;
    }

    /// <summary>A number as the member's number handling writes it: a JSON string with WriteAsString; NaN and the infinities as strings when allowed.</summary>
    private TsType Number(bool floatingPoint) =>
        (_numberHandling & JsonNumbers.WriteAsString) != 0 ? TsType.String
        : floatingPoint && (_numberHandling & JsonNumbers.AllowNamedFloatingPointLiterals) != 0
            ? new TsUnion(new EquatableArray<TsType>(new[] { TsType.Number, new TsStringLiteral("NaN"), new TsStringLiteral("Infinity"), new TsStringLiteral("-Infinity") }))
            : TsType.Number;

    /// <summary>A type's name, a generic one's with its type arguments as System.Text.Json names them: <c>PageRow</c>.</summary>
    private static string DeclaredName(ITypeSymbol type) => type switch
    {
        INamedTypeSymbol { IsGenericType: true } generic => generic.Name + string.Concat(generic.TypeArguments.Select(DeclaredName)),
        IArrayTypeSymbol array => DeclaredName(array.ElementType) + "Array",
        _ => type.Name,
    };

    private TsReference Declare(ITypeSymbol type, System.Func<TsDeclaration> make)
    {
        if (_names.TryGetValue(type, out var existing))
        {
            return new TsReference(existing);
        }

        var baseName = DeclaredName(type);
        var name = baseName;
        for (var i = 2; !_taken.Add(name); i++)
        {
            name = baseName + i;
        }

        _names.Add(type, name);
        var index = _declarations.Count;
        _declarations.Add(null); // The place, first used first; nested types follow.
        _declarations[index] = make() with { Name = name };
        return new TsReference(name);
    }

    private TsEnum EnumDeclaration(INamedTypeSymbol type)
    {
        var strings = _options.UseStringEnumConverter || HasStringConverter(type);
        var members = new List<TsEnumMember>();
        foreach (var field in type.GetMembers().OfType<IFieldSymbol>())
        {
            if (!field.HasConstantValue)
            {
                continue;
            }

            var jsonName = KnownSymbols.Find(field, _known.JsonStringEnumMemberNameAttribute)?.ConstructorArguments.FirstOrDefault().Value as string ?? field.Name;
            members.Add(new TsEnumMember(field.Name, strings
                ? new TsStringLiteral(jsonName)
                : new TsNumberLiteral(System.Convert.ToString(field.ConstantValue, System.Globalization.CultureInfo.InvariantCulture)!)));
        }

        return new TsEnum(type.Name, members.ToEquatableArray());
    }

    /// <summary>An object's JSON properties: public (or <c>[JsonInclude]</c>) members, as the context's options keep and name them.</summary>
    private EquatableArray<TsProperty> Properties(INamedTypeSymbol type)
    {
        var properties = new List<TsProperty>();
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object && current.SpecialType != SpecialType.System_ValueType; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                var included = KnownSymbols.Has(member, _known.JsonIncludeAttribute);
                if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public && !included || !seen.Add(member.Name))
                {
                    continue;
                }

                ITypeSymbol? memberType = member switch
                {
                    IPropertySymbol { IsIndexer: false, GetMethod: not null } property
                        when !(_options.IgnoreReadOnlyProperties && property.SetMethod is null) => property.Type,
                    IFieldSymbol { IsConst: false, IsImplicitlyDeclared: false } field
                        when (_options.IncludeFields || included) && !(_options.IgnoreReadOnlyFields && field.IsReadOnly) => field.Type,
                    _ => null,
                };
                if (memberType is null)
                {
                    continue;
                }

                if (KnownSymbols.Has(member, _known.JsonExtensionDataAttribute))
                {
                    // Its entries are written as properties of the object itself.
                    properties.Add(new TsProperty("key", TsType.Unknown, IsOptional: false, IsIndexSignature: true));
                    continue;
                }

                var ignore = KnownSymbols.Find(member, _known.JsonIgnoreAttribute);
                var condition = ignore is null
                    ? _options.DefaultIgnoreCondition
                    : ignore.NamedArguments.FirstOrDefault(static n => n.Key == "Condition").Value.Value is int explicitCondition ? (JsonIgnoreWhen)explicitCondition : JsonIgnoreWhen.Always;
                if (condition is JsonIgnoreWhen.Always or JsonIgnoreWhen.WhenWriting)
                {
                    continue; // Never written.
                }

                var jsonName = KnownSymbols.Find(member, _known.JsonPropertyNameAttribute)?.ConstructorArguments.FirstOrDefault().Value as string
                    ?? _options.Name(member.Name);
                var outer = _numberHandling;
                _numberHandling = NumberHandlingOf(member) ?? NumberHandlingOf(type) ?? _options.NumberHandling;
                var tsType = Map(memberType);
                _numberHandling = outer;

                // Left out of the JSON when null (WhenWritingNull) or default (WhenWritingDefault): optional.
                var optional = condition == JsonIgnoreWhen.WhenWritingDefault || (condition == JsonIgnoreWhen.WhenWritingNull && tsType.IsNullable);
                properties.Add(new TsProperty(jsonName, tsType, optional));
            }
        }

        return properties.ToEquatableArray();
    }

    /// <summary>
    /// A type with <c>[JsonDerivedType]</c>: System.Text.Json writes each derived type with its discriminator first
    /// (<c>"$type"</c>, or the <c>[JsonPolymorphic]</c> property name), and the base type itself, when it is not
    /// abstract, as its own members with no discriminator.
    /// </summary>
    private TsUnionDeclaration UnionDeclaration(INamedTypeSymbol type)
    {
        var property = KnownSymbols.Find(type, _known.JsonPolymorphicAttribute)?
            .NamedArguments.FirstOrDefault(static n => n.Key == "TypeDiscriminatorPropertyName").Value.Value as string ?? "$type";
        var alternatives = new List<TsType>();
        var derivedTypes = DerivedTypes(type);
        foreach (var (derived, discriminator) in derivedTypes)
        {
            TsType mapped = SymbolEqualityComparer.Default.Equals(derived, type) ? new TsObject(Properties(type)) : Map(derived);
            TsType? tag = discriminator switch
            {
                string text => new TsStringLiteral(text),
                int number => new TsNumberLiteral(number.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                _ => null,
            };
            alternatives.Add(tag is null
                ? mapped
                : new TsIntersection(new EquatableArray<TsType>(new TsType[] { new TsObject(new EquatableArray<TsProperty>(new[] { new TsProperty(property, tag, IsOptional: false) })), mapped })));
        }

        if (!type.IsAbstract && type.TypeKind != TypeKind.Interface && !derivedTypes.Any(d => SymbolEqualityComparer.Default.Equals(d.Type, type)))
        {
            alternatives.Add(new TsObject(Properties(type)));
        }

        return new TsUnionDeclaration(type.Name, alternatives.ToEquatableArray());
    }

    /// <summary>The <c>[JsonDerivedType]</c>s of a type, with their discriminators (<see langword="null"/> for none).</summary>
    private List<(ITypeSymbol Type, object? Discriminator)> DerivedTypes(INamedTypeSymbol type) =>
        type.GetAttributes()
            .Where(a => KnownSymbols.Is(a, _known.JsonDerivedTypeAttribute) && a.ConstructorArguments.Length > 0 && a.ConstructorArguments[0].Value is ITypeSymbol)
            .Select(static a => ((ITypeSymbol)a.ConstructorArguments[0].Value!, a.ConstructorArguments.Length > 1 ? a.ConstructorArguments[1].Value : null))
            .ToList();

    private ITypeSymbol? DictionaryValue(INamedTypeSymbol type)
    {
        foreach (var candidate in type.AllInterfaces.Prepend(type))
        {
            if ((KnownSymbols.Is(candidate, _known.Dictionary) || KnownSymbols.Is(candidate, _known.ReadOnlyDictionary))
                && candidate.TypeArguments[0].SpecialType == SpecialType.System_String)
            {
                return candidate.TypeArguments[1];
            }
        }

        return null;
    }

    private static ITypeSymbol? SequenceElement(INamedTypeSymbol type)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return null;
        }

        foreach (var candidate in type.AllInterfaces.Prepend(type))
        {
            if (candidate.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            {
                return candidate.TypeArguments[0];
            }
        }

        return null;
    }

    private bool HasStringConverter(ITypeSymbol type) =>
        KnownSymbols.Find(type, _known.JsonConverterAttribute)?.ConstructorArguments.FirstOrDefault().Value is ITypeSymbol converter
        && (KnownSymbols.Is(converter, _known.JsonStringEnumConverter) || KnownSymbols.Is(converter, _known.JsonStringEnumConverterOfT));

    private JsonNumbers? NumberHandlingOf(ISymbol symbol) =>
        KnownSymbols.Find(symbol, _known.JsonNumberHandlingAttribute)?.ConstructorArguments.FirstOrDefault().Value is int handling ? (JsonNumbers)handling : null;

    private static bool Is(ITypeSymbol type, params INamedTypeSymbol?[] known)
    {
        foreach (var candidate in known)
        {
            if (KnownSymbols.Is(type, candidate))
            {
                return true;
            }
        }

        return false;
    }
}
