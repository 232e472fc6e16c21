using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sse.Contracts;
using Sse.PostgreSql.Node;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.PostgreSql;
using Sse.Runtime.AspNetCore.Redis;

[assembly: SseClient(typeof(INodeFeed))]

// dotnet run --project tests/apps/Sse.PostgreSql.Node -- --urls http://127.0.0.1:0 --Node a --ConnectionStrings:Sse "Host=..."
//   [--Schema s] [--ReplayCount n] [--RetentionMs ms] [--PollMs ms] [--Log memory] [--ShutdownSpreadMs ms]
// dotnet run --project tests/apps/Sse.PostgreSql.Node -- --Log redis --Redis 127.0.0.1:6379 [--KeyPrefix p] [--PollMs ms] [--ReplayCount n]
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:0");
var configuration = builder.Configuration;
builder.Services.AddNodeFeedPublisher(hub =>
{
    hub.ReplayCount = configuration.GetValue("ReplayCount", 100_000);
    hub.RunLifetime = TimeSpan.FromMilliseconds(configuration.GetValue("RunLifetimeMs", 600_000));
});
if (configuration["Log"] == "redis")
{
    builder.Services.AddSseRedis(configuration["Redis"] ?? throw new InvalidOperationException("--Redis is required with --Log redis."), options =>
    {
        options.KeyPrefix = configuration["KeyPrefix"] ?? "sse:";
        options.PollInterval = TimeSpan.FromMilliseconds(configuration.GetValue("PollMs", 500));
    });
}
else if (configuration["Log"] != "memory")
{
    builder.Services.AddSsePostgreSql(configuration.GetConnectionString("Sse") ?? throw new InvalidOperationException("--ConnectionStrings:Sse is required."), options =>
    {
        options.Schema = configuration["Schema"] ?? "sse";
        options.PollInterval = TimeSpan.FromMilliseconds(configuration.GetValue("PollMs", 500));
        options.RetentionInterval = TimeSpan.FromMilliseconds(configuration.GetValue("RetentionMs", 30_000));
    });
}

builder.Services.Configure<SseServerOptions>(o => o.ShutdownReconnectSpread = TimeSpan.FromMilliseconds(configuration.GetValue("ShutdownSpreadMs", 0)));
builder.Services.AddSingleton<INodeFeed, NodeFeed>();
var app = builder.Build();
app.MapNodeFeed();
app.Run();

namespace Sse.PostgreSql.Node
{
    /// <summary>A note published to a topic.</summary>
    public sealed record Note(long Seq, string From);

    /// <summary>A topic per name, and commands to publish to it on this server.</summary>
    [SseStream("/node", JsonContext = typeof(NodeJson))]
    public interface INodeFeed
    {
        [SseGet("/topics/{topic}")]
        [SseTopic("t/{topic}")]
        IAsyncEnumerable<Note> Topic(string topic, CancellationToken cancellationToken = default);

        /// <summary>Publishes notes in order; returns their ids.</summary>
        [SsePost("/topics/{topic}")]
        Task<string[]> Publish(string topic, Note[] notes, CancellationToken cancellationToken = default);

        /// <summary>A run: <paramref name="count"/> notes <paramref name="delayMs"/> apart, each from the server doing the work.</summary>
        [SsePost("/runs")]
        [SseRun]
        IAsyncEnumerable<Note> Count(int count, int delayMs, CancellationToken cancellationToken = default);

        /// <summary>This server's name (the --Node setting).</summary>
        [SseGet("/name")]
        Task<string> Name(CancellationToken cancellationToken = default);
    }

    [JsonSerializable(typeof(Note))]
    [JsonSerializable(typeof(Note[]))]
    [JsonSerializable(typeof(string[]))]
    [JsonSerializable(typeof(string))]
    internal sealed partial class NodeJson : JsonSerializerContext;

    internal sealed class NodeFeed(SseHub hub, NodeFeedPublisher publisher, IConfiguration configuration) : NodeFeedBase(hub)
    {
        public override async Task<string[]> Publish(string topic, Note[] notes, CancellationToken cancellationToken = default)
        {
            var ids = new string[notes.Length];
            for (var i = 0; i < notes.Length; i++)
            {
                ids[i] = await publisher.Topic(topic).PublishAsync(notes[i], cancellationToken);
            }

            return ids;
        }

        public override Task<string> Name(CancellationToken cancellationToken = default) => Task.FromResult(configuration["Node"] ?? "node");

        public override async IAsyncEnumerable<Note> Count(int count, int delayMs, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (var i = 0; i < count; i++)
            {
                await Task.Delay(delayMs, cancellationToken);
                yield return new Note(i, configuration["Node"] ?? "node");
            }
        }
    }
}
