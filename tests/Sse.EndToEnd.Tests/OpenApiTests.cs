using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sse.Runtime.AspNetCore.OpenApi;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>The OpenAPI document ASP.NET Core generates for the contracts' endpoints, with the SSE description added.</summary>
public sealed class OpenApiTests : IAsyncLifetime
{
    private JsonDocument? _document;

    private JsonElement Root => _document!.RootElement;

    public async Task InitializeAsync() => _document = await GetDocumentAsync();

    public Task DisposeAsync()
    {
        _document?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void Stream_IsAnEventStream_NotAnArray_WithItsEventsInTheItemSchemaExtension()
    {
        var operation = Root.GetProperty("paths").GetProperty("/e2e/items").GetProperty("get");
        Assert.Equal("TestFeed.Items", operation.GetProperty("operationId").GetString());
        Assert.Equal("TestFeed", operation.GetProperty("tags")[0].GetString());
        var content = operation.GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.Equal(["text/event-stream"], content.EnumerateObject().Select(static p => p.Name));
        var stream = content.GetProperty("text/event-stream");
        Assert.Equal("string", stream.GetProperty("schema").GetProperty("type").GetString());

        // One schema per event name: SseItem<Counted> names its events item by item, so only the data is fixed.
        var events = Resolve(stream.GetProperty("x-itemSchema"));
        Assert.Equal("object", events.GetProperty("type").GetString());
        var data = events.GetProperty("properties").GetProperty("data");
        Assert.Equal("application/json", data.GetProperty("contentMediaType").GetString());
        Assert.Equal("#/components/schemas/Counted", data.GetProperty("contentSchema").GetProperty("$ref").GetString());
        Assert.True(Resolve(data.GetProperty("contentSchema")).GetProperty("properties").TryGetProperty("seq", out _) || Resolve(data.GetProperty("contentSchema")).GetProperty("properties").TryGetProperty("Seq", out _));
    }

    [Fact]
    public void PolymorphicStream_HasOneSchemaPerEventName_WithItsDerivedTypesData()
    {
        var operation = Root.GetProperty("paths").GetProperty("/market/events").GetProperty("get");
        var events = Resolve(operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("text/event-stream").GetProperty("x-itemSchema"));
        var byName = events.GetProperty("oneOf").EnumerateArray()
            .ToDictionary(static e => e.GetProperty("properties").GetProperty("event").GetProperty("const").GetString()!, static e => e);
        Assert.Contains("trade", byName.Keys);
        Assert.Contains("quote", byName.Keys);
        Assert.Equal("#/components/schemas/Trade", byName["trade"].GetProperty("properties").GetProperty("data").GetProperty("contentSchema").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/Quote", byName["quote"].GetProperty("properties").GetProperty("data").GetProperty("contentSchema").GetProperty("$ref").GetString());
        Assert.Contains("event", byName["trade"].GetProperty("required").EnumerateArray().Select(static r => r.GetString()));
        Assert.True(byName["trade"].GetProperty("properties").TryGetProperty("id", out _));

        // Resumable: the Last-Event-ID header is a parameter, and the operation says so.
        Assert.True(operation.GetProperty("x-sse-resumable").GetBoolean());
        var lastEventId = operation.GetProperty("parameters").EnumerateArray().Single(static p => p.GetProperty("name").GetString() == "Last-Event-ID");
        Assert.Equal("header", lastEventId.GetProperty("in").GetString());
    }

    [Fact]
    public void Parameters_RouteQueryHeaderAndArrays_AreDescribedWithTheirTypes()
    {
        var parameters = Root.GetProperty("paths").GetProperty("/e2e/echo/{id}/{path}").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .ToDictionary(static p => p.GetProperty("name").GetString()!, static p => p);
        Assert.Equal("path", parameters["id"].GetProperty("in").GetString());
        Assert.True(parameters["id"].GetProperty("required").GetBoolean());
        Assert.Contains("integer", parameters["id"].GetProperty("schema").GetProperty("type").ToString(), StringComparison.Ordinal);
        Assert.Equal("query", parameters["text"].GetProperty("in").GetString());
        Assert.False(parameters["text"].TryGetProperty("required", out var required) && required.GetBoolean());
        Assert.Equal("query", parameters["mood"].GetProperty("in").GetString());

        var headers = Root.GetProperty("paths").GetProperty("/market/complete").GetProperty("post").GetProperty("parameters").EnumerateArray()
            .ToDictionary(static p => p.GetProperty("name").GetString()!, static p => p);
        Assert.Equal("header", headers["X-Tenant"].GetProperty("in").GetString());
        Assert.Equal("uuid", headers["X-Trace"].GetProperty("schema").GetProperty("format").GetString());

        var arrays = Root.GetProperty("paths").GetProperty("/market/arrays").GetProperty("get").GetProperty("parameters").EnumerateArray().ToList();
        var levels = arrays.Single(static p => p.GetProperty("name").GetString() == "levels");
        Assert.Equal("array", levels.GetProperty("schema").GetProperty("type").GetString());
        // A repeated key (?levels=1&levels=2): form style, exploded, which is the query default OpenAPI leaves unwritten.
        Assert.False(levels.TryGetProperty("explode", out var explode) && !explode.GetBoolean());
    }

    [Fact]
    public void Body_AndProblemResponses_AreDescribed()
    {
        var post = Root.GetProperty("paths").GetProperty("/market/complete").GetProperty("post");
        Assert.Equal("#/components/schemas/Prompt", post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.True(post.GetProperty("requestBody").GetProperty("required").GetBoolean());
        var responses = post.GetProperty("responses");
        Assert.True(responses.TryGetProperty("400", out var badRequest));
        Assert.True(badRequest.GetProperty("content").TryGetProperty("application/problem+json", out _));
        Assert.True(responses.TryGetProperty("415", out _));
    }

    [Fact]
    public void Commands_AreJsonRequestResponse_WithTheirResultsAndProblems()
    {
        var info = Root.GetProperty("paths").GetProperty("/chat/rooms/{room}/info").GetProperty("get");
        Assert.Equal("#/components/schemas/RoomInfo", info.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.True(info.GetProperty("responses").TryGetProperty("500", out _));
        var send = Root.GetProperty("paths").GetProperty("/chat/rooms/{room}/messages").GetProperty("post");
        Assert.True(send.GetProperty("responses").TryGetProperty("204", out _));
        Assert.Equal("room", send.GetProperty("parameters")[0].GetProperty("name").GetString());
        Assert.False(send.TryGetProperty("x-sse-resumable", out _));
    }

    private JsonElement Resolve(JsonElement schema)
    {
        var reference = schema.GetProperty("$ref").GetString()!;
        Assert.StartsWith("#/components/schemas/", reference, StringComparison.Ordinal);
        return Root.GetProperty("components").GetProperty("schemas").GetProperty(reference["#/components/schemas/".Length..]);
    }

    internal static async Task<JsonDocument> GetDocumentAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(static options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddSseOpenApi();
        builder.Services.AddSingleton(new StreamProbe());
        builder.Services.AddScoped<ITestFeed, TestFeed>();
        builder.Services.AddSingleton<IMarketFeed, MarketFeed>();
        builder.Services.AddChatFeedPublisher();
        builder.Services.AddScoped<IChatFeed, ChatFeed>();
        await using var app = builder.Build();
        app.MapOpenApi();
        app.MapTestFeed();
        app.MapMarketFeed();
        app.MapChatFeed();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var http = new HttpClient { BaseAddress = address };
        var json = await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        await app.StopAsync();
        return JsonDocument.Parse(json);
    }
}
