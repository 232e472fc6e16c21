using Microsoft.CodeAnalysis;

namespace Sse.Generators.Parsing;

/// <summary>System.Text.Json's <c>JsonKnownNamingPolicy</c>, as the context's options name it.</summary>
internal enum JsonNaming
{
    None = 0,
    CamelCase = 1,
    SnakeCaseLower = 2,
    SnakeCaseUpper = 3,
    KebabCaseLower = 4,
    KebabCaseUpper = 5,
}

/// <summary>System.Text.Json's <c>JsonIgnoreCondition</c>.</summary>
internal enum JsonIgnoreWhen
{
    Never = 0,
    Always = 1,
    WhenWritingDefault = 2,
    WhenWritingNull = 3,
    WhenWriting = 4,
    WhenReading = 5,
}

/// <summary>System.Text.Json's <c>JsonNumberHandling</c> flags.</summary>
[System.Flags]
internal enum JsonNumbers
{
    Strict = 0,
    AllowReadingFromString = 1,
    WriteAsString = 2,
    AllowNamedFloatingPointLiterals = 4,
}

/// <summary>
/// The options of a <c>JsonSerializerContext</c> (its <c>[JsonSourceGenerationOptions]</c>) that decide how a value
/// looks as JSON, read once per context into named values.
/// </summary>
internal sealed class JsonContextOptions
{
    private JsonContextOptions()
    {
    }

    public JsonNaming Naming { get; private set; }

    public bool UseStringEnumConverter { get; private set; }

    public JsonIgnoreWhen DefaultIgnoreCondition { get; private set; }

    public bool IncludeFields { get; private set; }

    public bool IgnoreReadOnlyProperties { get; private set; }

    public bool IgnoreReadOnlyFields { get; private set; }

    public JsonNumbers NumberHandling { get; private set; }

    public static JsonContextOptions Read(INamedTypeSymbol context, KnownSymbols known)
    {
        var options = new JsonContextOptions();
        if (KnownSymbols.Find(context, known.JsonSourceGenerationOptionsAttribute) is not { } attribute)
        {
            return options;
        }

        // JsonSerializerDefaults.Web (1): camelCase names.
        if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int defaults && defaults == 1)
        {
            options.Naming = JsonNaming.CamelCase;
        }

        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "PropertyNamingPolicy" when named.Value.Value is int policy: options.Naming = (JsonNaming)policy; break;
                case "UseStringEnumConverter" when named.Value.Value is bool strings: options.UseStringEnumConverter = strings; break;
                case "DefaultIgnoreCondition" when named.Value.Value is int ignore: options.DefaultIgnoreCondition = (JsonIgnoreWhen)ignore; break;
                case "IncludeFields" when named.Value.Value is bool fields: options.IncludeFields = fields; break;
                case "IgnoreReadOnlyProperties" when named.Value.Value is bool readOnly: options.IgnoreReadOnlyProperties = readOnly; break;
                case "IgnoreReadOnlyFields" when named.Value.Value is bool readOnly: options.IgnoreReadOnlyFields = readOnly; break;
                case "NumberHandling" when named.Value.Value is int handling: options.NumberHandling = (JsonNumbers)handling; break;
            }
        }

        return options;
    }

    /// <summary>A .NET member name as the naming policy writes it.</summary>
    public string Name(string name) => Naming switch
    {
        JsonNaming.CamelCase => Common.Naming.CamelCase(name),
        JsonNaming.SnakeCaseLower => Common.Naming.Separated(name, '_', upper: false),
        JsonNaming.SnakeCaseUpper => Common.Naming.Separated(name, '_', upper: true),
        JsonNaming.KebabCaseLower => Common.Naming.Separated(name, '-', upper: false),
        JsonNaming.KebabCaseUpper => Common.Naming.Separated(name, '-', upper: true),
        _ => name,
    };
}
