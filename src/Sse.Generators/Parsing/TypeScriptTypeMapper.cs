using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Sse.Generators.Common;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>
/// Maps .NET types to TypeScript the way a <c>JsonSerializerContext</c> writes them as JSON: its property naming policy,
/// <c>[JsonPropertyName]</c>, <c>[JsonIgnore]</c>, nullability, enums as numbers or (with a string enum converter) names,
/// collections as arrays and string-keyed dictionaries as records. Object and enum types become declarations.
/// </summary>
internal sealed class TypeScriptTypeMapper
{
    private const string OptionsAttribute = "System.Text.Json.Serialization.JsonSourceGenerationOptionsAttribute";
    private const string PropertyNameAttribute = "System.Text.Json.Serialization.JsonPropertyNameAttribute";
    private const string IgnoreAttribute = "System.Text.Json.Serialization.JsonIgnoreAttribute";
    private const string IncludeAttribute = "System.Text.Json.Serialization.JsonIncludeAttribute";
    private const string ConverterAttribute = "System.Text.Json.Serialization.JsonConverterAttribute";
    private const string EnumMemberNameAttribute = "System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute";
    private const string NumberHandlingAttribute = "System.Text.Json.Serialization.JsonNumberHandlingAttribute";
    private const string ExtensionDataAttribute = "System.Text.Json.Serialization.JsonExtensionDataAttribute";
    private const string DerivedTypeAttribute = "System.Text.Json.Serialization.JsonDerivedTypeAttribute";
    private const string PolymorphicAttribute = "System.Text.Json.Serialization.JsonPolymorphicAttribute";

    // JsonNumberHandling's flags.
    private const int WriteAsString = 2;
    private const int NamedFloatingPointLiterals = 4;

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
    private readonly List<TsDeclaration> _declarations = new();
    private readonly int _namingPolicy;
    private readonly bool _stringEnums;
    private readonly int _defaultIgnore;
    private readonly bool _includeFields;
    private readonly bool _ignoreReadOnlyProperties;
    private readonly bool _ignoreReadOnlyFields;
    private readonly int _contextNumberHandling;

    /// <summary>How numbers of the member being mapped are written (its attribute, its type's, or the context's).</summary>
    private int _numberHandling;

    /// <param name="jsonContext">The contract's JSON context, whose options shape the types.</param>
    /// <param name="reserved">Names the generated client uses for its own declarations.</param>
    public TypeScriptTypeMapper(INamedTypeSymbol jsonContext, IEnumerable<string> reserved)
    {
        _taken.UnionWith(reserved);
        foreach (var attribute in jsonContext.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() != OptionsAttribute)
            {
                continue;
            }

            // JsonSerializerDefaults.Web (1): camelCase names.
            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int defaults && defaults == 1)
            {
                _namingPolicy = 1;
            }

            foreach (var named in attribute.NamedArguments)
            {
                switch (named.Key)
                {
                    case "PropertyNamingPolicy" when named.Value.Value is int policy: _namingPolicy = policy; break;
                    case "UseStringEnumConverter" when named.Value.Value is bool strings: _stringEnums = strings; break;
                    case "DefaultIgnoreCondition" when named.Value.Value is int ignore: _defaultIgnore = ignore; break;
                    case "IncludeFields" when named.Value.Value is bool fields: _includeFields = fields; break;
                    case "IgnoreReadOnlyProperties" when named.Value.Value is bool readOnly: _ignoreReadOnlyProperties = readOnly; break;
                    case "IgnoreReadOnlyFields" when named.Value.Value is bool readOnly: _ignoreReadOnlyFields = readOnly; break;
                    case "NumberHandling" when named.Value.Value is int handling: _contextNumberHandling = handling; break;
                }
            }
        }

        _numberHandling = _contextNumberHandling;
    }

    /// <summary>The declarations made so far, in the order first used.</summary>
    public EquatableArray<TsDeclaration> Declarations => _declarations.ToEquatableArray();

    /// <summary>The TypeScript type of a value of <paramref name="type"/> (with <c>| null</c> when it may be null).</summary>
    public string Map(ITypeSymbol type)
    {
        var nullable = type.NullableAnnotation == NullableAnnotation.Annotated && !type.IsValueType;
        if (type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T && type is INamedTypeSymbol wrapper)
        {
            return Map(wrapper.TypeArguments[0]) + " | null";
        }

        var mapped = MapNotNull(type);
        return nullable ? mapped + " | null" : mapped;
    }

    private string MapNotNull(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_String:
            case SpecialType.System_Char:
            case SpecialType.System_DateTime:
                return "string";
            case SpecialType.System_Boolean:
                return "boolean";
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
                return "unknown";
        }

        switch (type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))
        {
            case "global::System.DateTimeOffset":
            case "global::System.DateOnly":
            case "global::System.TimeOnly":
            case "global::System.TimeSpan":
            case "global::System.Guid":
            case "global::System.Uri":
            case "global::System.Version":
                return "string";
            case "global::System.Half":
                return Number(floatingPoint: true);
            case "global::System.Int128":
            case "global::System.UInt128":
                return Number(floatingPoint: false);
            case "global::System.Text.Json.JsonElement":
            case "global::System.Text.Json.Nodes.JsonNode":
            case "global::System.Text.Json.Nodes.JsonObject":
                return "unknown";
        }

        if (type is IArrayTypeSymbol array)
        {
            // byte[] is base64 text.
            return array.ElementType.SpecialType == SpecialType.System_Byte ? "string" : Element(array.ElementType) + "[]";
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return Declare(type, () => EnumDeclaration((INamedTypeSymbol)type));
        }

        if (type is INamedTypeSymbol named)
        {
            if (Dictionary(named) is { } value)
            {
                return "Record<string, " + Map(value) + ">";
            }

            if (Sequence(named) is { } element)
            {
                return Element(element) + "[]";
            }

            if (named.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Interface)
            {
                return Declare(type, () => DerivedTypes(named).Count > 0 ? UnionDeclaration(named) : ObjectDeclaration(named));
            }
        }

        return "unknown";
    }

    /// <summary>A number as the member's number handling writes it: a JSON string with WriteAsString; NaN and the infinities as strings when allowed.</summary>
    private string Number(bool floatingPoint) =>
        (_numberHandling & WriteAsString) != 0 ? "string"
        : floatingPoint && (_numberHandling & NamedFloatingPointLiterals) != 0 ? "number | \"NaN\" | \"Infinity\" | \"-Infinity\""
        : "number";

    private string Element(ITypeSymbol element)
    {
        var mapped = Map(element);
        return mapped.Contains(' ') ? "(" + mapped + ")" : mapped;
    }

    /// <summary>A type's name, a generic one's with its type arguments as System.Text.Json names them: <c>PageRow</c>.</summary>
    private static string DeclaredName(ITypeSymbol type) => type switch
    {
        INamedTypeSymbol { IsGenericType: true } generic => generic.Name + string.Concat(generic.TypeArguments.Select(DeclaredName)),
        IArrayTypeSymbol array => DeclaredName(array.ElementType) + "Array",
        _ => type.Name,
    };

    private string Declare(ITypeSymbol type, System.Func<TsDeclaration> make)
    {
        if (_names.TryGetValue(type, out var existing))
        {
            return existing;
        }

        var baseName = DeclaredName(type);
        var name = baseName;
        for (var i = 2; !_taken.Add(name); i++)
        {
            name = baseName + i;
        }

        _names.Add(type, name);
        var index = _declarations.Count;
        _declarations.Add(null!); // The place, first used first; nested types follow.
        var declaration = make();
        _declarations[index] = declaration with { Name = name };
        return name;
    }

    private TsDeclaration EnumDeclaration(INamedTypeSymbol type)
    {
        var strings = _stringEnums || HasStringConverter(type);
        var members = new List<TsMember>();
        foreach (var field in type.GetMembers().OfType<IFieldSymbol>())
        {
            if (!field.HasConstantValue)
            {
                continue;
            }

            var jsonName = field.GetAttributes().FirstOrDefault(static a => a.AttributeClass?.ToDisplayString() == EnumMemberNameAttribute)?.ConstructorArguments.FirstOrDefault().Value as string ?? field.Name;
            var value = strings ? TypeScriptCode.Quote(jsonName) : System.Convert.ToString(field.ConstantValue, System.Globalization.CultureInfo.InvariantCulture)!;
            members.Add(new TsMember(field.Name, value, IsOptional: false));
        }

        return new TsDeclaration(type.Name, IsEnum: true, members.ToEquatableArray());
    }

    private TsDeclaration ObjectDeclaration(INamedTypeSymbol type)
    {
        var members = new List<TsMember>();
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object && current.SpecialType != SpecialType.System_ValueType; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public && !Has(member, IncludeAttribute) || !seen.Add(member.Name))
                {
                    continue;
                }

                ITypeSymbol? memberType = member switch
                {
                    IPropertySymbol { IsIndexer: false, GetMethod: not null } property
                        when !(_ignoreReadOnlyProperties && property.SetMethod is null) => property.Type,
                    IFieldSymbol { IsConst: false, IsImplicitlyDeclared: false } field
                        when (_includeFields || Has(field, IncludeAttribute)) && !(_ignoreReadOnlyFields && field.IsReadOnly) => field.Type,
                    _ => null,
                };
                if (memberType is null)
                {
                    continue;
                }

                if (Has(member, ExtensionDataAttribute))
                {
                    // Its entries are written as properties of the object itself.
                    members.Add(new TsMember("key", "unknown", IsOptional: false, IsIndexSignature: true));
                    continue;
                }

                var ignore = member.GetAttributes().FirstOrDefault(static a => a.AttributeClass?.ToDisplayString() == IgnoreAttribute);
                var condition = ignore is null ? _defaultIgnore : ignore.NamedArguments.FirstOrDefault(static n => n.Key == "Condition").Value.Value as int? ?? 1;
                if (condition == 1)
                {
                    continue; // Always ignored.
                }

                var jsonName = member.GetAttributes().FirstOrDefault(static a => a.AttributeClass?.ToDisplayString() == PropertyNameAttribute)?.ConstructorArguments.FirstOrDefault().Value as string
                    ?? Name(member.Name);
                var outer = _numberHandling;
                _numberHandling = NumberHandlingOf(member) ?? NumberHandlingOf(type) ?? _contextNumberHandling;
                var tsType = Map(memberType);
                _numberHandling = outer;

                // Left out of the JSON when null (WhenWritingNull) or default (WhenWritingDefault): optional.
                var optional = condition == 2 || (condition == 3 && tsType.EndsWith(" | null", System.StringComparison.Ordinal));
                members.Add(new TsMember(jsonName, tsType, optional));
            }
        }

        return new TsDeclaration(type.Name, IsEnum: false, members.ToEquatableArray());
    }

    /// <summary>
    /// A type with <c>[JsonDerivedType]</c>: System.Text.Json writes each derived type with its discriminator first
    /// (<c>"$type"</c>, or the <c>[JsonPolymorphic]</c> property name), and the base type itself, when it is not
    /// abstract, as its own members with no discriminator.
    /// </summary>
    private TsDeclaration UnionDeclaration(INamedTypeSymbol type)
    {
        var property = type.GetAttributes().FirstOrDefault(static a => a.AttributeClass?.ToDisplayString() == PolymorphicAttribute)?
            .NamedArguments.FirstOrDefault(static n => n.Key == "TypeDiscriminatorPropertyName").Value.Value as string ?? "$type";
        var alternatives = new List<TsMember>();
        foreach (var (derived, discriminator) in DerivedTypes(type))
        {
            var mapped = SymbolEqualityComparer.Default.Equals(derived, type) ? Inline(ObjectDeclaration(type)) : Map(derived);
            var tag = discriminator switch
            {
                string text => TypeScriptCode.Quote(text),
                int number => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => null,
            };
            alternatives.Add(new TsMember(string.Empty, tag is null ? mapped : $"({{ {TypeScriptCode.PropertyName(property)}: {tag} }} & {mapped})", IsOptional: false));
        }

        if (!type.IsAbstract && type.TypeKind != TypeKind.Interface && !DerivedTypes(type).Any(d => SymbolEqualityComparer.Default.Equals(d.Type, type)))
        {
            alternatives.Add(new TsMember(string.Empty, Inline(ObjectDeclaration(type)), IsOptional: false));
        }

        return new TsDeclaration(type.Name, IsEnum: false, alternatives.ToEquatableArray(), IsUnion: true);
    }

    /// <summary>The <c>[JsonDerivedType]</c>s of a type, with their discriminators (<see langword="null"/> for none).</summary>
    private static List<(ITypeSymbol Type, object? Discriminator)> DerivedTypes(INamedTypeSymbol type) =>
        type.GetAttributes()
            .Where(static a => a.AttributeClass?.ToDisplayString() == DerivedTypeAttribute && a.ConstructorArguments.Length > 0 && a.ConstructorArguments[0].Value is ITypeSymbol)
            .Select(static a => ((ITypeSymbol)a.ConstructorArguments[0].Value!, a.ConstructorArguments.Length > 1 ? a.ConstructorArguments[1].Value : null))
            .ToList();

    /// <summary>An interface's members as an inline object type: <c>{ a: number; b?: string }</c>.</summary>
    private static string Inline(TsDeclaration declaration) =>
        "{ " + string.Join("; ", declaration.Members.Select(static m => TypeScriptCode.Member(m.Name, m.Type, m.IsOptional, m.IsIndexSignature))) + " }";

    /// <summary>A .NET name as the context's naming policy writes it.</summary>
    public string Name(string name) => _namingPolicy switch
    {
        1 => CamelCase(name),
        2 => Separated(name, '_', upper: false),
        3 => Separated(name, '_', upper: true),
        4 => Separated(name, '-', upper: false),
        5 => Separated(name, '-', upper: true),
        _ => name,
    };

    /// <summary>System.Text.Json's camelCase: the leading run of capitals is lowered, keeping the last before a lowercase letter.</summary>
    private static string CamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    /// <summary>snake_case or kebab-case: a separator where a word starts (a capital after a lowercase letter or digit, or before a lowercase letter after capitals).</summary>
    private static string Separated(string name, char separator, bool upper)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0 && char.IsUpper(c) && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
            {
                builder.Append(separator);
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    private static ITypeSymbol? Dictionary(INamedTypeSymbol type)
    {
        foreach (var candidate in type.AllInterfaces.Prepend(type))
        {
            if (candidate.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.IDictionary<TKey, TValue>" or "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>"
                && candidate.TypeArguments[0].SpecialType == SpecialType.System_String)
            {
                return candidate.TypeArguments[1];
            }
        }

        return null;
    }

    private static ITypeSymbol? Sequence(INamedTypeSymbol type)
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

    private static bool HasStringConverter(ITypeSymbol type) =>
        type.GetAttributes().Any(static a => a.AttributeClass?.ToDisplayString() == ConverterAttribute
            && a.ConstructorArguments.FirstOrDefault().Value is ITypeSymbol converter
            && converter.Name.StartsWith("JsonStringEnumConverter", System.StringComparison.Ordinal));

    private static int? NumberHandlingOf(ISymbol symbol) =>
        symbol.GetAttributes().FirstOrDefault(static a => a.AttributeClass?.ToDisplayString() == NumberHandlingAttribute)?.ConstructorArguments.FirstOrDefault().Value as int?;

    private static bool Has(ISymbol symbol, string attribute) => symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == attribute);
}
