using Sse.Generators.Model;
using Sse.Generators.Parsing;

namespace Sse.Generators.Emitting;

/// <summary>Parameter binding: each parameter read from its source, parsed, and answered with 400 (or 415) when invalid.</summary>
internal static partial class ServerEmitter
{
    private static void WriteBinding(SourceWriter writer, ContractModel contract, ParameterModel parameter, NameAllocator locals, bool isAsync)
    {
        var plainName = parameter.Name.TrimStart('@');
        var raw = locals.Allocate(plainName + "Raw");
        var wire = TypeNames.Literal(parameter.WireName);
        var name = TypeNames.Literal(plainName);
        var (source, getter, describe) = parameter.Source switch
        {
            ParameterSource.Route => ("route value", "GetRouteValue", $"route value {{{parameter.WireName}}}"),
            ParameterSource.Header => ("header", "GetHeaderValue", $"header {parameter.WireName}"),
            ParameterSource.LastEventId => ("header", "GetHeaderValue", "header Last-Event-ID"),
            ParameterSource.Body => ("body", string.Empty, "JSON request body"),
            _ => ("query string", parameter.IsArray ? "GetQueryValues" : "GetQueryValue", parameter.IsArray ? $"query string ?{parameter.WireName}=…&{parameter.WireName}=…" : $"query string ?{parameter.WireName}="),
        };
        writer.WriteLine($"// {parameter.DisplayType} {plainName}: {describe}{(parameter.DefaultValue is null ? string.Empty : ", default " + parameter.DefaultValue)}");

        if (parameter.Source == ParameterSource.Body)
        {
            writer.WriteLine($"var {raw} = await {Binder}.ReadJsonBodyAsync(httpContext, {name}, {contract.JsonContextFullName}.Default.{parameter.JsonTypeInfoProperty}, required: {(parameter.IsRequired ? "true" : "false")}).ConfigureAwait(false);");
            using (writer.Block($"if (!{raw}.IsValid)"))
            {
                writer.WriteLine("return;");
            }

            writer.WriteLine($"var {parameter.Name} = {raw}.Value;");
            return;
        }

        writer.WriteLine($"var {raw} = {Binder}.{getter}(httpContext, {wire});");
        if (parameter.IsArray)
        {
            WriteArrayBinding(writer, parameter, raw, name, locals, isAsync);
            return;
        }

        if (parameter.IsRequired)
        {
            using (writer.Block($"if ({raw} is null)"))
            {
                WriteReturn(writer, $"{Binder}.WriteMissingAsync(httpContext, {name}, {TypeNames.Literal(source)})", isAsync);
            }
        }

        if (parameter.Kind == ValueKind.String)
        {
            var fallback = parameter.IsRequired || parameter.DefaultValue is null or "null" ? string.Empty : " ?? " + parameter.DefaultValue;
            writer.WriteLine($"{parameter.TypeFullName} {parameter.Name} = {raw}{fallback};");
            return;
        }

        var parse = parameter.Kind switch
        {
            ValueKind.Enum => $"TryParseEnum<{parameter.ValueTypeFullName}>",
            ValueKind.DateTime => "TryParseDateTime",
            _ => $"TryParse<{parameter.ValueTypeFullName}>",
        };
        var invalid = $"{Binder}.WriteInvalidAsync(httpContext, {name}, {TypeNames.Literal(source)}, {TypeNames.Literal(parameter.DisplayType)}, {raw})";
        if (parameter.IsRequired)
        {
            using (writer.Block($"if (!{Binder}.{parse}({raw}, out var {parameter.Name}))"))
            {
                WriteReturn(writer, invalid, isAsync);
            }

            return;
        }

        var value = locals.Allocate(plainName + "Value");
        writer.WriteLine($"{parameter.TypeFullName} {parameter.Name} = {parameter.DefaultValue ?? "null"};");
        using (writer.Block($"if ({raw} is not null)"))
        {
            using (writer.Block($"if (!{Binder}.{parse}({raw}, out var {value}))"))
            {
                WriteReturn(writer, invalid, isAsync);
            }

            writer.WriteLine($"{parameter.Name} = {value};");
        }
    }

    /// <summary>A repeated query key: every value parsed, an empty array when the key is absent.</summary>
    private static void WriteArrayBinding(SourceWriter writer, ParameterModel parameter, string raw, string name, NameAllocator locals, bool isAsync)
    {
        if (parameter.Kind == ValueKind.String)
        {
            writer.WriteLine($"var {parameter.Name} = {Binder}.ToArray({raw});");
            return;
        }

        var parseAll = parameter.Kind switch
        {
            ValueKind.Enum => $"TryParseAllEnums<{parameter.ValueTypeFullName}>",
            ValueKind.DateTime => "TryParseAllDateTimes",
            _ => $"TryParseAll<{parameter.ValueTypeFullName}>",
        };
        var invalid = locals.Allocate(parameter.Name.TrimStart('@') + "Invalid");
        using (writer.Block($"if (!{Binder}.{parseAll}({raw}, out var {parameter.Name}, out var {invalid}))"))
        {
            WriteReturn(writer, $"{Binder}.WriteInvalidAsync(httpContext, {name}, \"query string\", {TypeNames.Literal(parameter.DisplayType)}, {invalid})", isAsync);
        }
    }

    /// <summary>Ends the handler with an error response: <c>return task;</c>, or in an async handler <c>await task; return;</c>.</summary>
    private static void WriteReturn(SourceWriter writer, string task, bool isAsync)
    {
        if (isAsync)
        {
            writer.WriteLine($"await {task}.ConfigureAwait(false);");
            writer.WriteLine("return;");
        }
        else
        {
            writer.WriteLine($"return {task};");
        }
    }
}
