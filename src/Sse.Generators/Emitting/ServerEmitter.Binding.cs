using Sse.Generators.Common;
using Sse.Generators.Model;

namespace Sse.Generators.Emitting;

/// <summary>Parameter binding: each parameter read from its source, parsed, and answered with 400 (or 415) when invalid.</summary>
internal static partial class ServerEmitter
{
    private static void WriteBinding(SourceWriter writer, ContractModel contract, ParameterModel parameter, NameAllocator locals, bool isAsync, string description)
    {
        var plainName = parameter.Name.TrimStart('@');
        var name = CSharpCode.Literal(plainName);
        var wire = CSharpCode.Literal(parameter.WireName);
        var (source, getter) = parameter.Source switch
        {
            ParameterSource.Route => ("route value", "GetRouteValue"),
            ParameterSource.Header => ("header", "GetHeaderValue"),
            ParameterSource.LastEventId => ("header", "GetLastEventId"),
            ParameterSource.Body => ("body", string.Empty),
            _ => ("query string", parameter.IsArray ? "GetQueryValues" : "GetQueryValue"),
        };
        writer.WriteLine($"// {parameter.DisplayType} {plainName}: {Describe(parameter)}");

        if (parameter.Source == ParameterSource.Body)
        {
            var body = locals.Allocate(plainName + "Body");
            writer.WriteCall(
                $"var {body} = await {Binder}.ReadJsonBodyAsync",
                ["httpContext", name, $"{contract.JsonContextFullName}.Default.{parameter.JsonTypeInfoProperty}", "required: " + (parameter.IsRequired ? "true" : "false")],
                ".ConfigureAwait(false);");
            using (writer.Block($"if (!{body}.IsValid)"))
            {
                writer.WriteLine("return;");
            }

            writer.WriteLine($"var {parameter.Name} = {body}.Value;");
            return;
        }

        if (parameter.IsArray)
        {
            WriteArrayBinding(writer, parameter, getter, wire, name, locals, isAsync);
            return;
        }

        if (parameter.Kind == ValueKind.String)
        {
            // A string is used as read: no parsing, no copy.
            var fallback = parameter.IsRequired || parameter.DefaultValue is null or "null" ? string.Empty : " ?? " + parameter.DefaultValue;
            var forgive = !parameter.IsRequired && !parameter.IsNullable && fallback.Length == 0 ? "!" : string.Empty;
            var arguments = parameter.Source == ParameterSource.LastEventId ? "httpContext" : "httpContext, " + wire;
            writer.WriteLine($"var {parameter.Name} = {Binder}.{getter}({arguments}){fallback}{forgive};");
            if (parameter.IsRequired)
            {
                using (writer.Block($"if ({parameter.Name} is null)"))
                {
                    WriteReturn(writer, $"{Binder}.WriteMissingAsync(httpContext, {name}, {CSharpCode.Literal(source)})", isAsync);
                }
            }

            return;
        }

        var raw = locals.Allocate(plainName + "Raw");
        writer.WriteLine(parameter.Source == ParameterSource.LastEventId ? $"var {raw} = {Binder}.{getter}(httpContext);" : $"var {raw} = {Binder}.{getter}(httpContext, {wire});");
        if (parameter.IsRequired)
        {
            using (writer.Block($"if ({raw} is null)"))
            {
                WriteReturn(writer, $"{Binder}.WriteMissingAsync(httpContext, {name}, {CSharpCode.Literal(source)})", isAsync);
            }
        }

        var parse = parameter.Kind switch
        {
            ValueKind.Enum => $"TryParseEnum<{parameter.ValueTypeFullName}>",
            ValueKind.DateTime => "TryParseDateTime",
            _ => $"TryParse<{parameter.ValueTypeFullName}>",
        };
        // A Last-Event-ID that is not an id of the parameter's type cannot be resumed from: the cannot-resume event, never a 400,
        // since a browser resends whatever id it saw last.
        var invalid = parameter.Source == ParameterSource.LastEventId
            ? $"{ServerEmitter.Infrastructure}.SseEndpoint.RejectResumeAsync(httpContext, {description}, {raw}, {CSharpCode.Literal($"it is not a valid {parameter.DisplayType.TrimEnd('?')}.")})"
            : $"{Binder}.WriteInvalidAsync(httpContext, {name}, {CSharpCode.Literal(source)}, {CSharpCode.Literal(parameter.DisplayType)}, {raw})";
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
    private static void WriteArrayBinding(SourceWriter writer, ParameterModel parameter, string getter, string wire, string name, NameAllocator locals, bool isAsync)
    {
        var plainName = parameter.Name.TrimStart('@');
        if (parameter.Kind == ValueKind.String)
        {
            writer.WriteLine($"var {parameter.Name} = {Binder}.ToArray({Binder}.{getter}(httpContext, {wire}));");
            return;
        }

        var raw = locals.Allocate(plainName + "Raw");
        writer.WriteLine(parameter.Source == ParameterSource.LastEventId ? $"var {raw} = {Binder}.{getter}(httpContext);" : $"var {raw} = {Binder}.{getter}(httpContext, {wire});");
        var parseAll = parameter.Kind switch
        {
            ValueKind.Enum => $"TryParseAllEnums<{parameter.ValueTypeFullName}>",
            ValueKind.DateTime => "TryParseAllDateTimes",
            _ => $"TryParseAll<{parameter.ValueTypeFullName}>",
        };
        var invalid = locals.Allocate(plainName + "Invalid");
        using (writer.Block($"if (!{Binder}.{parseAll}({raw}, out var {parameter.Name}, out var {invalid}))"))
        {
            WriteReturn(writer, $"{Binder}.WriteInvalidAsync(httpContext, {name}, \"query string\", {CSharpCode.Literal(parameter.DisplayType)}, {invalid})", isAsync);
        }
    }

    /// <summary>The comment above a parameter's binding: where the value comes from and what happens when it is absent.</summary>
    private static string Describe(ParameterModel parameter)
    {
        var from = parameter.Source switch
        {
            ParameterSource.Route => parameter.IsCatchAll ? $"catch-all route value {{*{parameter.WireName}}}" : $"route value {{{parameter.WireName}}}",
            ParameterSource.Header => $"header {parameter.WireName}",
            ParameterSource.LastEventId => "header Last-Event-ID (or ?lastEventId=), the last event id a reconnecting client saw",
            ParameterSource.Body => "JSON request body",
            _ => parameter.IsArray ? $"query string ?{parameter.WireName}=…&{parameter.WireName}=…" : $"query string ?{parameter.WireName}=",
        };
        string absent;
        if (parameter.IsArray)
        {
            absent = "an empty array when absent";
        }
        else if (parameter.IsRequired)
        {
            absent = "required (400 when absent)";
        }
        else if (parameter.DefaultValue is null or "null")
        {
            absent = "null when absent";
        }
        else if (parameter.DefaultValue == "default")
        {
            absent = $"default({parameter.DisplayType}) when absent";
        }
        else
        {
            absent = parameter.DefaultValue + " when absent";
        }

        var invalid = parameter.Kind is ValueKind.String or ValueKind.None ? string.Empty
            : parameter.Source == ParameterSource.LastEventId ? "; the cannot-resume event when not a valid " + parameter.DisplayType.TrimEnd('?')
            : "; 400 when not a valid " + parameter.DisplayType.TrimEnd('?', '[', ']');
        return from + ", " + absent + invalid;
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
