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
}
