using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sse.Generators.Model;
using Sse.Generators.Parsing;
using Sse.Tests;
using Xunit;

namespace Sse.Generators.Tests;

/// <summary>The generator's data flows one way: Parsing → Model → Emitting. The emitters and the diagnostics catalog read nothing of Parsing.</summary>
public class LayeringTests
{
    [Theory]
    [InlineData("Emitting")]
    [InlineData("Diagnostics")]
    [InlineData("Model")]
    public void Folder_DoesNotDependOnParsing(string folder)
    {
        var files = Directory.GetFiles(RepoPaths.File(Path.Combine("src", "Sse.Generators", folder)), "*.cs");
        Assert.NotEmpty(files);

        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            Assert.False(text.Contains("Sse.Generators.Parsing", StringComparison.Ordinal) || text.Contains("Parsing.", StringComparison.Ordinal), $"{Path.GetFileName(file)} in {folder}/ uses Parsing.");
        }
    }

    [Fact]
    public void Parsing_PrintsNoCode()
    {
        // The parsers build the model; only the emitters print (C# and TypeScript alike).
        var files = Directory.GetFiles(RepoPaths.File(Path.Combine("src", "Sse.Generators", "Parsing")), "*.cs");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            Assert.False(text.Contains("Sse.Generators.Emitting", StringComparison.Ordinal) || text.Contains("TypeScriptCode.", StringComparison.Ordinal), $"{Path.GetFileName(file)} prints code.");
        }
    }

    /// <summary>
    /// The model carries names and facts; code (expressions such as <c>item.Seq.ToString(...)</c>, TypeScript types as
    /// text) is the emitters' business. Every string of the models of the test contracts, C# and TypeScript, is checked
    /// by what it holds: a name is a name, a type is only a type, a default value only a constant.
    /// </summary>
    [Theory]
    [InlineData(nameof(TestSources.Basic))]
    [InlineData(nameof(TestSources.AllShapes))]
    [InlineData(nameof(TestSources.Design))]
    [InlineData(nameof(TestSources.Topics))]
    [InlineData(nameof(TestSources.Awkward))]
    public void ModelValues_HoldNoCode(string sourceName)
    {
        var source = (string)typeof(TestSources).GetField(sourceName)!.GetValue(null)!;
        var compilation = GeneratorHarness.CreateCompilation(source);
        var checkedValues = 0;
        foreach (var contract in compilation.GetSymbolsWithName(static _ => true, SymbolFilter.Type).OfType<INamedTypeSymbol>()
            .Where(static t => t.GetAttributes().Any(static a => a.AttributeClass?.Name == "SseStreamAttribute")))
        {
            var sink = DiagnosticSink.ForAnalyzer();
            var model = ContractParser.Parse(contract, contract.GetAttributes().First(static a => a.AttributeClass?.Name == "SseStreamAttribute"), KnownSymbols.For(compilation), sink, default);
            Assert.NotNull(model);
            var typeScript = TypeScriptParser.Parse(model, compilation, default);
            Assert.NotNull(typeScript);

            foreach (var (path, name, value) in Strings(model, "contract").Concat(Strings(typeScript, "typescript")))
            {
                checkedValues++;
                Assert.True(IsAllowed(name, value), $"{path} holds code: \"{value}\"");
            }
        }

        Assert.True(checkedValues > 20, "Too few values were checked.");
    }

    /// <summary>Whether a model string named <paramref name="name"/> holds only what its name says.</summary>
    private static bool IsAllowed(string name, string value)
    {
        if (name.EndsWith("FullName", StringComparison.Ordinal) || name is "DisplayType" or "DisplayName")
        {
            // A type, and nothing after it.
            var type = SyntaxFactory.ParseTypeName(value);
            return !type.ContainsDiagnostics && type.FullSpan.Length == value.Length;
        }

        switch (name)
        {
            case "DefaultValue":
                // A constant: a literal, default, an enum member, a cast of a literal, or a negative number.
                var expression = SyntaxFactory.ParseExpression(value);
                return !expression.ContainsDiagnostics && expression.FullSpan.Length == value.Length
                    && !expression.DescendantNodesAndSelf().Any(static n => n is InvocationExpressionSyntax or LambdaExpressionSyntax or ObjectCreationExpressionSyntax or AssignmentExpressionSyntax);
            case "FileName":
                return System.Text.RegularExpressions.Regex.IsMatch(value, "^[a-z0-9-]+\\.ts$");
            case "Documentation":
            case "Text" or "Route" or "FullRoute" or "Template" or "RoutePrefix":
                return true; // The user's words and routes, printed as they are.
            case "WireName" or "EventType" or "UserClaim" or "TsProperty.Name" or "TsEvent.Name" or "TsStringLiteral.Value":
                return true; // A wire value (an event, JSON, header or claim name; a TypeScript literal's value): data.
            default:
                // A name: an identifier, possibly qualified, possibly escaped.
                return System.Text.RegularExpressions.Regex.IsMatch(value, @"^[@\p{L}_$][\p{L}\p{N}_.+`$]*$") || value.Length == 0;
        }
    }

    /// <summary>Every string in a model, with its path and the name of the property holding it.</summary>
    private static IEnumerable<(string Path, string Name, string Value)> Strings(object? value, string path, string name = "")
    {
        switch (value)
        {
            case null:
                yield break;
            case string text:
                yield return (path, name, text);
                yield break;
            case TsKeyword keyword:
                // A keyword type is one of JSON's: nothing else is printed bare.
                Assert.Contains(keyword.Name, new[] { "string", "number", "boolean", "unknown", "null" });
                yield break;
            case TsNumberLiteral number:
                Assert.True(double.TryParse(number.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _), $"{path} is no number: {number.Value}");
                yield break;
            case IEnumerable sequence:
                var i = 0;
                foreach (var item in sequence)
                {
                    foreach (var found in Strings(item, $"{path}[{i++}]", name))
                    {
                        yield return found;
                    }
                }

                yield break;
        }

        var type = value.GetType();
        if (type.Namespace != typeof(ContractModel).Namespace)
        {
            yield break; // bool, enums, numbers.
        }

        foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public))
        {
            if (property.GetIndexParameters().Length > 0 || property.SetMethod is null)
            {
                continue; // What the model holds, not what it computes.
            }

            var qualified = property.Name is "Name" or "Value" ? type.Name + "." + property.Name : property.Name;
            foreach (var found in Strings(property.GetValue(value), path + "." + property.Name, qualified))
            {
                yield return found;
            }
        }
    }
}
