namespace Sse.Generators.Tests;

/// <summary>Contract sources the generator tests run over.</summary>
internal static class TestSources
{
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Net.ServerSentEvents;
        using System.Text.Json.Serialization;
        using System.Threading;
        using Sse.Contracts;

        """;

    /// <summary>
    /// <c>[assembly: SseClient(typeof(T))]</c> for the contract declared in <paramref name="source"/>, which a compilation
    /// referencing the server runtime needs to get the client part too.
    /// </summary>
    public static string ClientRequestFor(string source)
    {
        var ns = System.Text.RegularExpressions.Regex.Match(source, @"^namespace ([\w.]+);", System.Text.RegularExpressions.RegexOptions.Multiline);
        var contract = System.Text.RegularExpressions.Regex.Match(source, @"interface (I\w+)").Groups[1].Value;
        var name = ns.Success ? ns.Groups[1].Value + "." + contract : contract;
        return "\n[assembly: Sse.Contracts.SseClient(typeof(global::" + name + "))]\n";
    }

    /// <summary>The foundation case: one GET stream with a route value, a query value with a default, and a token.</summary>
    public const string Basic = Usings + """
        namespace Demo.Feeds;

        [SseStream("/stocks", JsonContext = typeof(StockJson))]
        public interface IStockFeed
        {
            /// <summary>Streams prices.</summary>
            [SseGet("/prices/{symbol}")]
            IAsyncEnumerable<PriceTick> Prices(string symbol, int? limit = null, CancellationToken cancellationToken = default);
        }

        public sealed record PriceTick(string Symbol, decimal Price, [property: SseEventId] long Seq);

        [JsonSerializable(typeof(PriceTick))]
        internal partial class StockJson : JsonSerializerContext;
        """;

    /// <summary>Every parameter kind, defaults of every literal kind, keyword names, events, SseItem and the default route.</summary>
    public const string AllShapes = Usings + """
        namespace Demo.Shapes;

        public enum Color { Red, Green, Blue }

        [SseEvent("tick")]
        public sealed record Tick(int Value, [property: SseEventId] Guid? Id);

        public sealed record Note(string Text);

        [SseStream("api/shapes/", JsonContext = typeof(ShapesJson))]
        public interface IShapes
        {
            [SseGet("/items/{id:int}/{*rest}")]
            IAsyncEnumerable<Tick> Items(int id, string rest, Guid? tenant, Color color = Color.Green, bool verbose = false,
                DateTime? since = null, DateTimeOffset until = default, double ratio = 0.5, long big = 10, string @event = "a \"quoted\" value",
                CancellationToken cancellationToken = default);

            [SseGet("/items/{id}/notes")]
            IAsyncEnumerable<SseItem<Note>> Notes(Guid id, DateOnly? day, TimeSpan? window, decimal? min, Color? color);

            IAsyncEnumerable<Note> RecentNotes(string? author = null, CancellationToken cancellationToken = default);

            [SseGet("/lines")]
            IAsyncEnumerable<string> Lines(CancellationToken cancellationToken = default);
        }

        [JsonSerializable(typeof(Tick))]
        [JsonSerializable(typeof(Note), TypeInfoPropertyName = "NoteInfo")]
        internal partial class ShapesJson : JsonSerializerContext;
        """;

    /// <summary>DESIGN.md's example contract: route, query, header, body, Last-Event-ID, SseItem and polymorphic events.</summary>
    public const string Design = Usings + """
        namespace Demo.Stocks;

        [SseStream("/stocks", JsonContext = typeof(StockJson))]
        public interface IStockFeed
        {
            /// <summary>Streams the price ticks of one symbol.</summary>
            /// <param name="symbol">The ticker symbol, such as <c>MSFT</c>.</param>
            /// <param name="limit">How many ticks to send, or <see langword="null"/> for no end.</param>
            /// <param name="cancellationToken">Ends the stream.</param>
            /// <returns>The ticks, oldest first.</returns>
            [SseGet("/prices/{symbol}")]
            IAsyncEnumerable<PriceTick> Prices(string symbol, int? limit = null, [SseHeader("X-Tenant")] string? tenant = null, string[]? venues = null, CancellationToken cancellationToken = default);

            /// <summary>Streams completion tokens for a prompt.</summary>
            [SsePost("/complete")]
            IAsyncEnumerable<SseItem<Token>> Complete(Prompt prompt, [SseHeader("X-Trace")] Guid? trace = null, CancellationToken cancellationToken = default);

            [SseGet("/market")]
            IAsyncEnumerable<MarketEvent> Market([LastEventId] string? lastEventId = null, int[]? levels = null, CancellationToken cancellationToken = default);
        }

        public abstract record MarketEvent([property: SseEventId] long Seq);
        [SseEvent("trade")] public sealed record Trade(long Seq, decimal Price, int Quantity) : MarketEvent(Seq);
        [SseEvent("quote")] public sealed record Quote(long Seq, decimal Bid, decimal Ask) : MarketEvent(Seq);
        [SseEvent("halt")] public record Halt(long Seq, string Reason) : MarketEvent(Seq);
        [SseEvent("halt-ended")] public sealed record HaltEnded(long Seq, string Reason) : Halt(Seq, Reason);

        public sealed record PriceTick(string Symbol, decimal Price, [property: SseEventId] long Seq);
        public sealed record Prompt(string Text, int MaxTokens);
        public sealed record Token(string Text);

        [JsonSerializable(typeof(PriceTick))]
        [JsonSerializable(typeof(Prompt))]
        [JsonSerializable(typeof(Token))]
        [JsonSerializable(typeof(Trade))]
        [JsonSerializable(typeof(Quote))]
        [JsonSerializable(typeof(Halt))]
        [JsonSerializable(typeof(HaltEnded))]
        public partial class StockJson : JsonSerializerContext;
        """;

    /// <summary>Topics (by parameter and per user), commands with and without a result, and a stream: a mixed contract.</summary>
    public const string Topics = Usings + """
        using System.Threading.Tasks;

        namespace Demo.Chat;

        [SseStream("/chat", JsonContext = typeof(ChatJson))]
        public interface IChat
        {
            /// <summary>The messages of one room.</summary>
            [SseGet("/rooms/{room}")]
            [SseTopic("rooms/{room}")]
            IAsyncEnumerable<ChatMessage> Room(string room, CancellationToken cancellationToken = default);

            [SseGet("/inbox")]
            [SseTopic("inbox/{user}", UserClaim = "sub")]
            IAsyncEnumerable<ChatMessage> Inbox(CancellationToken cancellationToken = default);

            [SseGet("/boards/{board}/{level}")]
            [SseTopic("boards/{board}/level-{level}")]
            IAsyncEnumerable<ChatMessage> Board(string board, int level, CancellationToken cancellationToken = default);

            /// <summary>Sends a message to a room.</summary>
            [SsePost("/rooms/{room}/messages")]
            Task Send(string room, ChatMessage message, CancellationToken cancellationToken = default);

            [SseGet("/rooms/{room}/info")]
            Task<RoomInfo> Info(string room, CancellationToken cancellationToken = default);

            Task<RoomInfo?> Find(string name);

            [SseGet("/history/{room}")]
            IAsyncEnumerable<ChatMessage> History(string room, CancellationToken cancellationToken = default);

            /// <summary>Summarises a room: a run that outlives its connection.</summary>
            [SsePost("/summaries")]
            [SseRun]
            IAsyncEnumerable<ChatMessage> Summarise(RoomInfo info, CancellationToken cancellationToken = default);
        }

        public sealed record ChatMessage(string From, string Text);
        public sealed record RoomInfo(string Room, int Subscribers);

        [JsonSerializable(typeof(ChatMessage))]
        [JsonSerializable(typeof(RoomInfo))]
        internal partial class ChatJson : JsonSerializerContext;
        """;

    /// <summary>An internal contract in the global namespace.</summary>
    public const string GlobalInternal = Usings + """
        [SseStream(JsonContext = typeof(PingJson))]
        internal interface IPing
        {
            [SseGet("/ping")]
            IAsyncEnumerable<int> Ping(CancellationToken cancellationToken);
        }

        [JsonSerializable(typeof(int))]
        internal partial class PingJson : JsonSerializerContext;
        """;

    /// <summary>
    /// Names that collide with keywords of C# or TypeScript, with the generated code's own locals and with each other;
    /// nested, generic and unusual item types. Everything here is valid and must compile in both languages.
    /// </summary>
    public const string Awkward = Usings + """
        using System.Text.Json;
        using System.Threading.Tasks;

        namespace Demo.Awkward;

        [SseStream("/odd", JsonContext = typeof(OddJson))]
        public interface IOdd
        {
            [SseGet("/{class}/{delete}")]
            IAsyncEnumerable<Page<Row>> @switch(string @class, int @delete, string? function = null, [SseHeader("X-Await")] string? await = null, CancellationToken cancellationToken = default);

            [SseGet("/ctx")]
            IAsyncEnumerable<JsonElement> Context(string context, string request, string response, string options, string client, string builder, string endpoints, string path, string query, string headers, string http, CancellationToken cancellationToken = default);

            [SsePost("/new")]
            IAsyncEnumerable<Dictionary<string, int[]>> New(Row @new, [SseHeader("X-Let")] int let = 3, CancellationToken cancellationToken = default);

            [SsePost("/typeof")]
            Task<Page<Row>?> @typeof(string @in, Row body, CancellationToken cancellationToken = default);

            [SseGet("/strings")]
            IAsyncEnumerable<string> Strings(string @string, CancellationToken cancellationToken = default);

            [SseGet("/shapes/{client}")]
            IAsyncEnumerable<Shape> Options(string client, string read, string item, string type, string data, string json, string String, [LastEventId] long? init = null, CancellationToken cancellationToken = default);

            [SseGet("/built")]
            IAsyncEnumerable<Shape> Constructor(string class_, string @class, CancellationToken cancellationToken = default);

            [SseGet("/records")]
            IAsyncEnumerable<Page<Record>> Records(CancellationToken cancellationToken = default);

            [SseGet("/clients")]
            IAsyncEnumerable<Models.OddClient> Clients(CancellationToken cancellationToken = default);
        }

        public static class Models
        {
            /// <summary>Named as the generated TypeScript client class (nested here, so C# has no clash; TypeScript does).</summary>
            public sealed record OddClient(string Name);
        }

        /// <summary>Named as TypeScript's own Record, in a second instantiation of Page.</summary>
        public sealed record Record(string Key, Dictionary<string, Row> Rows);

        public abstract record Shape;
        [SseEvent("circle")] public sealed record Circle(double R) : Shape;
        [SseEvent("square")] public sealed record Square(double Side) : Shape;

        public sealed class Page<T>
        {
            public required List<T> Items { get; init; }
            public string? Next { get; init; }
            public Dictionary<string, T?> ByKey { get; init; } = new();
        }

        public sealed record Row(int @default, string? @var, Row.Kind @enum, DateOnly On, TimeSpan For, Uri? Link, byte[] Bytes, object? Anything)
        {
            public enum Kind { None, @interface }
        }

        [JsonSerializable(typeof(Page<Row>))]
        [JsonSerializable(typeof(Page<Record>))]
        [JsonSerializable(typeof(Models.OddClient))]
        [JsonSerializable(typeof(Row))]
        [JsonSerializable(typeof(Circle))]
        [JsonSerializable(typeof(Square))]
        [JsonSerializable(typeof(JsonElement))]
        [JsonSerializable(typeof(Dictionary<string, int[]>))]
        [JsonSerializable(typeof(string))]
        internal partial class OddJson : JsonSerializerContext;
        """;
}
