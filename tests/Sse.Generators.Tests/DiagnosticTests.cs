using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Sse.Tests;
using Xunit;

namespace Sse.Generators.Tests;

/// <summary>One test per diagnostic id: the rule fires, with its id, at the offending code, and the contract gets no generated code.</summary>
public class DiagnosticTests
{
    private const string Json = """

        public sealed record Item(int Value);

        [JsonSerializable(typeof(Item))]
        internal partial class ItemJson : JsonSerializerContext;

        public sealed class NotAContext { }
        """;

    [Theory]
    [InlineData("SSE001", "[SseGet(\"/a\")] IEnumerable<Item> A();", "A", "IFeed.A")]
    [InlineData("SSE002", "[SseGet(\"/a\")] IAsyncEnumerable<Item> A<T>();", "A", "IFeed.A")]
    [InlineData("SSE006", "int Count { get; }", "Count", "IFeed.Count")]
    [InlineData("SSE007", "[SseGet(\"/a\")][SsePost(\"/a\")] IAsyncEnumerable<Item> A();", "A", "IFeed.A")]
    [InlineData("SSE100", "[SseGet(\"/a/{filter}\")] IAsyncEnumerable<Item> A(Item filter);", "filter", "filter|IFeed.A|Item")]
    [InlineData("SSE100", "[SseGet(\"/a\")] IAsyncEnumerable<Item> A([SseHeader(\"X-Letter\")] char letter);", "letter", "letter|IFeed.A|char")]
    [InlineData("SSE105", "[SseGet(\"/a\")] IAsyncEnumerable<Item> A(Item filter);", "filter", "filter|IFeed.A|Item")]
    [InlineData("SSE106", "[SsePost(\"/a\")] IAsyncEnumerable<Item> A(Item first, Item second);", "second", "IFeed.A|first|second")]
    [InlineData("SSE107", "[SseGet(\"/a\")] IAsyncEnumerable<Item> A([LastEventId] DateTime last);", "last", "last|IFeed.A|DateTime")]
    [InlineData("SSE108", "[SseGet(\"/a\")] IAsyncEnumerable<Item> A([SseHeader(\"Bad Name\")] string tenant);", "SseHeader(\"Bad Name\")", "tenant|IFeed.A|Bad Name")]
    [InlineData("SSE108", "[SseGet(\"/a\")] IAsyncEnumerable<Item> A([SseHeader(\"\")] string tenant);", "SseHeader(\"\")", "tenant|IFeed.A|")]
    [InlineData("SSE200", "[SsePost(\"/a\")] IAsyncEnumerable<Item> A(Guid[][] jagged);", "jagged", "ItemJson|Guid[][]|IFeed.A")]
    [InlineData("SSE101", "[SseGet(\"/a/{id}\")] IAsyncEnumerable<Item> A();", "SseGet(\"/a/{id}\")", "IFeed.A|id")]
    [InlineData("SSE102", "[SseGet(\"/a/{id\")] IAsyncEnumerable<Item> A(int id);", "SseGet(\"/a/{id\")", "/a/{id|IFeed.A|'{' at position 3 is not closed")]
    [InlineData("SSE102", "[SseGet(\"/a/{}\")] IAsyncEnumerable<Item> A();", "SseGet(\"/a/{}\")", "/a/{}|IFeed.A|a parameter has no name")]
    [InlineData("SSE103", "[SseGet(\"/a/{id}\")] IAsyncEnumerable<Item> A(int id); [SseGet(\"/A/{key}\")] IAsyncEnumerable<Item> B(int key);", "B", "IFeed.A|IFeed.B|GET|/A/{key}")]
    [InlineData("SSE104", "[SseGet(\"/a\")] IAsyncEnumerable<Item> A(ref int x);", "x", "x|IFeed.A")]
    [InlineData("SSE104", "[SseGet(\"/a\")] IAsyncEnumerable<Item> A(params int[] xs);", "xs", "xs|IFeed.A")]
    [InlineData("SSE200", "[SseGet(\"/a\")] IAsyncEnumerable<Guid> A();", "ItemJson", "ItemJson|Guid|IFeed.A")]
    [InlineData("SSE011", "[SseGet(\"/a\")] IAsyncEnumerable<Item> A(); [SseGet(\"/b/{id}\")] IAsyncEnumerable<Item> A(int id);", "A", "IFeed.A")]
    [InlineData("SSE305", "[SseGet(\"/a\")][SseRun] IAsyncEnumerable<Item> A();", "A", "IFeed.A|it is a GET; a run is started by a POST ([SsePost]), and attached to by GET")]
    [InlineData("SSE305", "[SsePost(\"/a/{id}\")][SseRun] IAsyncEnumerable<Item> A(int id);", "A", "IFeed.A|its route has parameters; its runs are attached at its route and their id, so pass such values in the body, the query or a header")]
    [InlineData("SSE305", "[SsePost(\"/a\")][SseRun] IAsyncEnumerable<Item> A([LastEventId] string? last);", "A", "IFeed.A|it has a [LastEventId] parameter, but the topic log resumes a run itself")]
    [InlineData("SSE305", "[SsePost(\"/a\")][SseRun] IAsyncEnumerable<SseItem<Item>> A();", "A", "IFeed.A|it returns SseItem<T>, but the topic log names and numbers a run's events; stream the item type")]
    [InlineData("SSE305", "[SsePost(\"/a\")][SseRun] System.Threading.Tasks.Task A();", "A", "IFeed.A|it is a command (it returns Task); a run streams IAsyncEnumerable<T>")]
    [InlineData("SSE305", "[SseGet(\"/a\")][SseTopic(\"a\")][SseRun] IAsyncEnumerable<Item> A();", "A", "IFeed.A|it is a topic; a run streams what its own work produces")]
    public async Task MemberRule_Reported(string id, string members, string locationText, string arguments)
    {
        var source = TestSources.Usings + $$"""
            [SseStream(JsonContext = typeof(ItemJson))]
            public interface IFeed
            {
                {{members}}
            }
            """ + Json;

        await AssertReportedAsync(source, id, locationText, arguments);
    }

    [Fact]
    public Task SSE002_GenericInterface_Reported() => AssertReportedAsync(
        TestSources.Usings + """
            [SseStream(JsonContext = typeof(ItemJson))]
            public interface IFeed<T> { [SseGet("/a")] IAsyncEnumerable<Item> A(); }
            """ + Json,
        "SSE002",
        "IFeed",
        "IFeed");

    [Fact]
    public Task SSE003_MissingJsonContext_Reported() => AssertReportedAsync(
        TestSources.Usings + """
            [SseStream("/x")]
            public interface IFeed { [SseGet("/a")] IAsyncEnumerable<Item> A(); }
            """ + Json,
        "SSE003",
        "SseStream(\"/x\")",
        "IFeed");

    [Fact]
    public Task SSE004_JsonContextNotAContext_Reported() => AssertReportedAsync(
        TestSources.Usings + """
            [SseStream(JsonContext = typeof(NotAContext))]
            public interface IFeed { [SseGet("/a")] IAsyncEnumerable<Item> A(); }
            """ + Json,
        "SSE004",
        "SseStream(JsonContext = typeof(NotAContext))",
        "IFeed|NotAContext");

    [Fact]
    public Task SSE005_PrivateNestedContract_Reported() => AssertReportedAsync(
        TestSources.Usings + """
            public class Outer
            {
                [SseStream(JsonContext = typeof(ItemJson))]
                private interface IFeed { [SseGet("/a")] IAsyncEnumerable<Item> A(); }
            }
            """ + Json,
        "SSE005",
        "IFeed",
        "IFeed");

    [Fact]
    public Task SSE008_InheritedInterface_Reported() => AssertReportedAsync(
        TestSources.Usings + """
            public interface IBase { }

            [SseStream(JsonContext = typeof(ItemJson))]
            public interface IFeed : IBase { [SseGet("/a")] IAsyncEnumerable<Item> A(); }
            """ + Json,
        "SSE008",
        "IFeed",
        "IFeed|IBase");

    [Theory]
    [InlineData("")]
    [InlineData("bad\\nname")]
    public Task SSE201_InvalidEventName_Reported(string name) => AssertReportedAsync(
        TestSources.Usings + $$"""
            [SseStream(JsonContext = typeof(EvJson))]
            public interface IFeed { [SseGet("/a")] IAsyncEnumerable<Ev> A(); }

            [SseEvent("{{name}}")]
            public sealed record Ev(int Value);

            [JsonSerializable(typeof(Ev))]
            internal partial class EvJson : JsonSerializerContext;
            """,
        "SSE201",
        $"SseEvent(\"{name}\")",
        $"Ev|{name.Replace("\\n", "\n", System.StringComparison.Ordinal)}|{ReservedNames}");

    private const string ReservedNames = "'sse-error', 'sse-end', 'sse-reset', 'sse-gap', 'sse-reauth', 'sse-run'";

    [Fact]
    public Task SSE201_ReservedEventName_Reported() => AssertReportedAsync(
        TestSources.Usings + """
            [SseStream(JsonContext = typeof(EvJson))]
            public interface IFeed { [SseGet("/a")] IAsyncEnumerable<Ev> A(); }

            [SseEvent("sse-error")]
            public sealed record Ev(int Value);

            [JsonSerializable(typeof(Ev))]
            internal partial class EvJson : JsonSerializerContext;
            """,
        "SSE201",
        "SseEvent(\"sse-error\")",
        $"Ev|sse-error|{ReservedNames}");

    [Fact]
    public Task SSE202_DuplicateDerivedEventName_Reported() => AssertReportedAsync(
        TestSources.Usings + """
            [SseStream(JsonContext = typeof(EvJson))]
            public interface IFeed { [SseGet("/a")] IAsyncEnumerable<Market> A(); }

            public abstract record Market;
            [SseEvent("trade")] public sealed record Trade(int Qty) : Market;
            [SseEvent("trade")] public sealed record Quote(int Bid) : Market;

            [JsonSerializable(typeof(Trade))]
            [JsonSerializable(typeof(Quote))]
            internal partial class EvJson : JsonSerializerContext;
            """,
        "SSE202",
        "Quote",
        "trade|Trade|Quote",
        occurrence: 0);

    [Fact]
    public Task SSE200_DerivedEventTypeMissingFromContext_Reported() => AssertReportedAsync(
        TestSources.Usings + """
            [SseStream(JsonContext = typeof(EvJson))]
            public interface IFeed { [SseGet("/a")] IAsyncEnumerable<Market> A(); }

            public abstract record Market;
            [SseEvent("trade")] public sealed record Trade(int Qty) : Market;
            [SseEvent("quote")] public sealed record Quote(int Bid) : Market;

            [JsonSerializable(typeof(Trade))]
            internal partial class EvJson : JsonSerializerContext;
            """,
        "SSE200",
        "EvJson",
        "EvJson|Quote|IFeed.A");

    [Theory]
    [InlineData("StockFeedClient", true)]
    [InlineData("StockFeedEndpointRouteBuilderExtensions", true)]
    [InlineData("StockFeedEventFormats", true)]
    [InlineData("StockFeedPublisher", false)] // Not generated: the contract has no topic methods.
    [InlineData("StockFeedService", false)]
    [InlineData("StockFeedClient", false, "partial")] // Extends the generated (partial) client.
    public async Task SSE013_TypeNamedAsAGeneratedOne_IsReportedAtTheUsersType(string name, bool clashes, string modifiers = "sealed")
    {
        var source = TestSources.Basic + $"\npublic {modifiers} class {name} {{ public int Extra => 1; }}\n";
        var (_, output, _) = GeneratorHarness.Run(GeneratorHarness.WithClientRequest(GeneratorHarness.CreateCompilation(source), source));

        var diagnostics = await output.WithAnalyzers([new SseContractAnalyzer()]).GetAnalyzerDiagnosticsAsync();

        var reported = diagnostics.Where(static d => d.Id == "SSE013").ToList();
        if (!clashes)
        {
            Assert.Empty(reported);
            Assert.Empty(GeneratorHarness.CompileDiagnostics(output));
            return;
        }

        var diagnostic = Assert.Single(reported);
        Assert.Contains($"class {name}", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan), System.StringComparison.Ordinal);
        Assert.Contains($"'{name}'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        Assert.Contains(".g.cs", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task SSE002_GenericMethod_ReportsOnlyTheRealError()
    {
        var source = TestSources.Usings + """
            [SseStream(JsonContext = typeof(ItemJson))]
            public interface IFeed { [SseGet("/a")] IAsyncEnumerable<T> A<T>(T filter); }
            """ + Json;

        var diagnostics = await GeneratorHarness.AnalyzeAsync(source);

        Assert.Equal(["SSE002"], diagnostics.Select(static d => d.Id));
    }

    [Fact]
    public async Task MethodOutcome_DependsOnlyOnItsOwnErrors()
    {
        // B has an error; C duplicates A's route. C must be reported as a duplicate of A whatever B's error was.
        var source = TestSources.Usings + """
            [SseStream(JsonContext = typeof(ItemJson))]
            public interface IFeed
            {
                [SseGet("/a")] IAsyncEnumerable<Item> A();
                [SseGet("/b")] IEnumerable<Item> B();
                [SseGet("/a")] IAsyncEnumerable<Item> C();
                [SseGet("/d")] IAsyncEnumerable<Item> D(ref int x);
                [SseGet("/d")] IAsyncEnumerable<Item> E();
            }
            """ + Json;

        var diagnostics = await GeneratorHarness.AnalyzeAsync(source);

        Assert.Equal(["SSE001", "SSE103", "SSE104"], diagnostics.Select(static d => d.Id).Order(System.StringComparer.Ordinal));
        Assert.Contains("'IFeed.A' and 'IFeed.C'", diagnostics.Single(static d => d.Id == "SSE103").GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public sealed record Ev([property: SseEventId] Item Key);", "Key", "Ev.Key|Item|" + NoTextForm)]
    [InlineData("public sealed record Ev([property: SseEventId] int[] Keys);", "Keys", "Ev.Keys|int[]|" + NoTextForm)]
    [InlineData("public sealed record Ev([property: SseEventId] bool Flag);", "Flag", "Ev.Flag|bool|" + NoTextForm)]
    public Task SSE203_EventIdWithoutTextForm_Reported(string record, string locationText, string arguments) => AssertReportedAsync(
        TestSources.Usings + $$"""
            [SseStream(JsonContext = typeof(EvJson))]
            public interface IFeed { [SseGet("/a")] IAsyncEnumerable<Ev> A(); }

            public sealed record Item(int Value);
            {{record}}

            [JsonSerializable(typeof(Ev))]
            internal partial class EvJson : JsonSerializerContext;
            """,
        "SSE203",
        locationText,
        arguments);

    private const string NoTextForm = "it has no text form; use a string, a number, a Guid, a date or an enum";

    [Fact]
    public Task SSE204_TwoEventIds_Reported() => AssertReportedAsync(
        TestSources.Usings + """
            [SseStream(JsonContext = typeof(EvJson))]
            public interface IFeed { [SseGet("/a")] IAsyncEnumerable<Ev> A(); }

            public abstract record Base([property: SseEventId] long Seq);
            public sealed record Ev(long Seq, [property: SseEventId] string Key) : Base(Seq);

            [JsonSerializable(typeof(Ev))]
            internal partial class EvJson : JsonSerializerContext;
            """,
        "SSE204",
        "Seq",
        "Ev|Key|Seq",
        occurrence: 0);

    [Theory]
    [InlineData("long")]
    [InlineData("Guid?")]
    [InlineData("string")]
    [InlineData("DateTimeOffset")]
    public async Task EventIdOfSupportedType_NoDiagnostics(string type)
    {
        var source = TestSources.Usings + $$"""
            [SseStream(JsonContext = typeof(EvJson))]
            public interface IFeed { [SseGet("/a")] IAsyncEnumerable<Ev> A(); }

            public sealed record Ev([property: SseEventId] {{type}} Key);

            [JsonSerializable(typeof(Ev))]
            internal partial class EvJson : JsonSerializerContext;
            """;

        Assert.Empty(await GeneratorHarness.AnalyzeAsync(source));
    }

    [Fact]
    public async Task SSE012_ImplementationOfReferencedContractWithoutServerRequest_Reported()
    {
        var library = GeneratorHarness.CreateCompilation(TestSources.Usings + """
            namespace Shared;
            [SseStream(JsonContext = typeof(SharedJson))]
            public interface IShared { [SseGet("/a")] IAsyncEnumerable<Item> A(); }
            public sealed record Item(int Value);
            [JsonSerializable(typeof(Item))]
            public partial class SharedJson : JsonSerializerContext;
            """, GeneratorHarness.Runtimes.ContractsOnly, assemblyName: "SharedContracts");
        var reference = GeneratorHarness.Run(library).Output.ToMetadataReference();
        const string Implementation = """
            public sealed class SharedImpl : Shared.IShared
            {
                public System.Collections.Generic.IAsyncEnumerable<Shared.Item> A() => throw new System.NotImplementedException();
            }
            """;

        var missing = GeneratorHarness.CreateCompilation(TestSources.Usings + Implementation).AddReferences(reference);
        var diagnostics = await missing.WithAnalyzers([new Sse.Generators.SseContractAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("SSE012", diagnostic.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("[assembly: SseServer(typeof(IShared))]", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        Assert.Contains("MapShared()", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        Assert.Equal("SharedImpl", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));

        var requested = GeneratorHarness.CreateCompilation(TestSources.Usings + "[assembly: SseServer(typeof(Shared.IShared))]\n" + Implementation).AddReferences(reference);
        Assert.Empty(await requested.WithAnalyzers([new Sse.Generators.SseContractAnalyzer()]).GetAnalyzerDiagnosticsAsync());

        // A client-only project may implement the interface (a fake, a decorator) without being told to map it.
        var clientOnly = GeneratorHarness.CreateCompilation(TestSources.Usings + Implementation, GeneratorHarness.Runtimes.ClientOnly).AddReferences(reference);
        Assert.Empty(await clientOnly.WithAnalyzers([new Sse.Generators.SseContractAnalyzer()]).GetAnalyzerDiagnosticsAsync());
    }

    [Fact]
    public async Task SSE009_AssemblyAttributeNamesANonContract_Reported()
    {
        var source = TestSources.Usings + """
            [assembly: SseClient(typeof(System.IDisposable))]
            [assembly: SseServer(typeof(string))]
            """;

        var diagnostics = await GeneratorHarness.AnalyzeAsync(source);

        Assert.Equal(2, diagnostics.Count(static d => d.Id == "SSE009"));
        Assert.Contains(diagnostics, static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("'System.IDisposable', named in [assembly: SseClient]", System.StringComparison.Ordinal));
    }

    [Fact]
    public async Task SSE010_ReferencedContractWithInternalJsonContext_Reported()
    {
        var library = GeneratorHarness.CreateCompilation(TestSources.Usings + """
            namespace Shared;
            [SseStream(JsonContext = typeof(SharedJson))]
            public interface IShared { [SseGet("/a")] IAsyncEnumerable<Item> A(); }
            public sealed record Item(int Value);
            [JsonSerializable(typeof(Item))]
            internal partial class SharedJson : JsonSerializerContext;
            """, GeneratorHarness.Runtimes.ContractsOnly, assemblyName: "SharedContracts");
        var libraryWithJson = (Microsoft.CodeAnalysis.CSharp.CSharpCompilation)GeneratorHarness.Run(library).Output;
        var consumer = GeneratorHarness.CreateCompilation(TestSources.Usings + "[assembly: SseClient(typeof(Shared.IShared))]")
            .AddReferences(libraryWithJson.ToMetadataReference());

        var diagnostics = await consumer.WithAnalyzers([new Sse.Generators.SseContractAnalyzer()]).GetAnalyzerDiagnosticsAsync();

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("SSE010", diagnostic.Id);
        Assert.Contains("SseClient(typeof(Shared.IShared))", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan), System.StringComparison.Ordinal);
        Assert.Empty(GeneratorHarness.Run(consumer).Files);
    }

    [Fact]
    public async Task ValidContract_NoDiagnostics()
    {
        Assert.Empty(await GeneratorHarness.AnalyzeAsync(TestSources.AllShapes));
        Assert.Empty(await GeneratorHarness.AnalyzeAsync(TestSources.Basic));
    }

    [Fact]
    public void EveryDescriptor_HasReleaseEntryAndHelpPage()
    {
        var unshipped = System.IO.File.ReadAllText(RepoFile("src/Sse.Generators/AnalyzerReleases.Unshipped.md"));
        foreach (var descriptor in new Sse.Generators.SseContractAnalyzer().SupportedDiagnostics)
        {
            Assert.Contains(descriptor.Id + " |", unshipped, System.StringComparison.Ordinal);
            Assert.EndsWith($"docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri, System.StringComparison.Ordinal);
            Assert.True(System.IO.File.Exists(RepoFile($"docs/diagnostics/{descriptor.Id}.md")), $"docs/diagnostics/{descriptor.Id}.md is missing");
        }
    }

    /// <summary>
    /// The analyzer reports exactly one diagnostic on <paramref name="source"/>: <paramref name="id"/>, with
    /// <paramref name="arguments"/> (<c>|</c>-separated), spanning exactly <paramref name="locationText"/> (its last
    /// occurrence, or the one numbered <paramref name="occurrence"/>); any other diagnostic of the analyzer fails the
    /// test. And the contract gets no generated code.
    /// </summary>
    private static async Task AssertReportedAsync(string source, string id, string locationText, string arguments, int occurrence = -1)
    {
        var starts = Occurrences(source, locationText);
        Assert.True(starts.Count > 0, $"'{locationText}' is not in the source.");
        var start = occurrence < 0 ? starts[^1] : starts[occurrence];
        var markup = source[..start] + "{|#0:" + locationText + "|}" + source[(start + locationText.Length)..];
        var descriptor = new SseContractAnalyzer().SupportedDiagnostics.Single(d => d.Id == id);

        await AnalyzerVerifier.VerifyAsync(markup, new DiagnosticResult(descriptor).WithLocation(0).WithArguments(arguments.Split('|')));

        // A contract with an error gets no generated code.
        var (files, _, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source));
        Assert.Empty(files);
    }

    /// <summary>Where <paramref name="text"/> occurs in <paramref name="source"/>: as a whole word when it is an identifier.</summary>
    private static System.Collections.Generic.List<int> Occurrences(string source, string text)
    {
        var pattern = System.Text.RegularExpressions.Regex.IsMatch(text, @"^\w+$") ? $@"(?<![\w]){System.Text.RegularExpressions.Regex.Escape(text)}(?![\w])" : System.Text.RegularExpressions.Regex.Escape(text);
        return System.Text.RegularExpressions.Regex.Matches(source, pattern).Select(static m => m.Index).ToList();
    }

    private static string RepoFile(string relative) => RepoPaths.File(relative);
}
