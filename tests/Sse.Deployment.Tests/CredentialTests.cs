using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Sse.Runtime;
using Sse.Runtime.AspNetCore;
using Sse.Testing;
using Sse.Tests;
using Xunit;
using Xunit.Abstractions;

namespace Sse.Deployment.Tests;

/// <summary>
/// Streams bounded by their credential, with a real JWT bearer scheme and tokens that live two seconds: the stream ends
/// with sse-reauth at each expiry, the client gets a fresh token and resumes at once, so the sequence is exact over many
/// expiries and cuts; a revoked user's resume is a 401 and a typed error, not a retry loop.
/// </summary>
[Trait("Category", "Deployment")]
public sealed class CredentialTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly SymmetricSecurityKey _key = new(RandomNumberGenerator.GetBytes(32));
    private readonly ConcurrentDictionary<string, bool> _revoked = new();
    private volatile bool _storeDown;

    [Fact]
    public async Task TokensOfTwoSeconds_ManyExpiriesAndCuts_TheSequenceIsExact()
    {
        await using var server = await StartAsync(new()
        {
            Marker = "/deploy/ticks",
            Faults = static r => r.Index is 1 or 4 ? SseFault.CutAtRandom(r.Random, 100, 1_500, SseCutPoint.MidFrame) : null,
        });
        var tokens = new TokenSource(this, "alice", TimeSpan.FromSeconds(2));
        using var http = new HttpClient(new TokenHandler(tokens) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = server.Address };
        var recorder = new SseStreamRecorder<Tick>(context: server.Proxy.ToString);
        await using var stream = await new DeployFeedClient(http, recorder.Options).Ticks().ConnectAsync();
        const int Count = 400;
        var reading = recorder.RecordAsync(stream, count: Count, timeout: Timeout);
        for (var seq = 0; seq < Count; seq++)
        {
            await ProxyTests.PublishAsync(server, seq, 1);
            await Task.Delay(20);   // about 8 s of publishing: three or more expiries
        }

        await reading;
        SseAssert.NoGapNoDuplicate(recorder, static t => t.Seq, first: 0, count: Count);
        SseAssert.EveryReconnectResumed(recorder);
        var expiries = recorder.Disconnections.Count(static d => d.Reason == SseDisconnectReason.Reauthenticate);
        output.WriteLine($"{expiries} expiries, {server.Proxy.Cuts} cuts, {tokens.Issued} tokens, {tokens.Refreshed} refreshed on sse-reauth; {recorder.Describe()}");
        Assert.True(expiries >= 3, $"Only {expiries} expiries: {recorder.Describe()}");
        Assert.Equal(2, server.Proxy.Cuts);
        Assert.True(tokens.Refreshed >= expiries, $"{tokens.Refreshed} tokens refreshed on sse-reauth for {expiries} expiries.");
    }

    [Fact]
    public async Task RevokedMidStream_TheStreamEnds_ItsResumeIs401_ATypedErrorAfterOneRetry()
    {
        await using var server = await StartAsync(new() { Marker = "/deploy/ticks" });
        var tokens = new TokenSource(this, "mallory", TimeSpan.FromMinutes(10));
        using var http = new HttpClient(new TokenHandler(tokens) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = server.Address };
        var recorder = new SseStreamRecorder<Tick>(context: server.Proxy.ToString);
        await using var stream = await new DeployFeedClient(http, recorder.Options).Ticks().ConnectAsync();
        var reading = recorder.RecordAsync(stream, timeout: Timeout);
        await ProxyTests.PublishAsync(server, 0, 5);
        await ProxyTests.WaitUntilAsync(() => recorder.Items.Count == 5, recorder);

        _revoked["mallory"] = true;   // the next re-validation (every 200 ms) ends the stream
        await reading;

        var error = Assert.IsType<SseHttpException>(recorder.End);
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("The credential is no longer valid.", error.ProblemDetail);
        Assert.Equal(2, server.Proxy.Requests.Count);   // the stream and its one resume: no retry loop
        Assert.Equal([SseDisconnectReason.Reauthenticate], recorder.Disconnections.Select(static d => d.Reason));
        SseAssert.NoGapNoDuplicate(recorder, static t => t.Seq, first: 0, count: 5);
    }

    [Fact]
    public async Task TheCredentialStoreGoesAway_StreamsEndFailClosed_ResumesGet503_ThenResumeWhenItIsBack_NothingLost()
    {
        // The re-validation itself fails (its store is down): the open stream ends (sse-reauth, fail closed), its resume
        // is answered 503 with Retry-After (not a 401 that would end the client), and once the store is back the client
        // resumes with everything published meanwhile.
        await using var server = await StartAsync(new() { Marker = "/deploy/ticks" });
        var tokens = new TokenSource(this, "dave", TimeSpan.FromMinutes(10));
        using var http = new HttpClient(new TokenHandler(tokens) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = server.Address };
        var recorder = new SseStreamRecorder<Tick>(context: server.Proxy.ToString);
        await using var stream = await new DeployFeedClient(http, recorder.Options).Ticks().ConnectAsync();
        var reading = recorder.RecordAsync(stream, count: 30, timeout: Timeout);
        await ProxyTests.PublishAsync(server, 0, 10);
        await ProxyTests.WaitUntilAsync(() => recorder.Items.Count == 10, recorder);

        _storeDown = true;
        await ProxyTests.WaitUntilAsync(() => recorder.Disconnections.Any(static d => d.Reason == SseDisconnectReason.RetryableStatus), recorder);
        await ProxyTests.PublishAsync(server, 10, 10);   // while no stream is open
        _storeDown = false;
        await ProxyTests.PublishAsync(server, 20, 10);
        await reading;

        SseAssert.NoGapNoDuplicate(recorder, static t => t.Seq, first: 0, count: 30);
        SseAssert.EveryReconnectResumed(recorder);
        Assert.Equal(SseDisconnectReason.Reauthenticate, recorder.Disconnections[0].Reason);
        var refused = Assert.IsType<SseHttpException>(recorder.Disconnections[1].Exception);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("the session store does not answer", refused.ProblemDetail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredToken_IsRefusedWith401_WhateverTheStreamWouldHaveBeen()
    {
        // A client whose token source hands out only the old token: JWT validation refuses it (401, a typed error), and
        // the bound never starts a stream that would end at once and loop.
        await using var server = await StartAsync(new() { Marker = "/deploy/ticks" });
        using var http = new HttpClient { BaseAddress = server.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token("bob", TimeSpan.FromSeconds(-30)));
        var error = await Assert.ThrowsAsync<SseHttpException>(async () => await new DeployFeedClient(http).Ticks().ConnectAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [RequiresToolFact("node", "apt-get update && apt-get install -y nodejs")]
    public async Task TypeScriptClient_InNode_TokensOfTwoSeconds_ResumesOverEveryExpiry_Exactly()
    {
        // The TypeScript runtime (the server package's web asset, as a page loads it) in node, its headers function
        // fetching tokens from the server and refreshing when told to (context.reauthenticate) or about to expire.
        await using var server = await StartAsync(new() { Marker = "/deploy/ticks" }, tokens: true);
        var folder = Path.Combine(Path.GetTempPath(), "sse-ts-reauth-" + Guid.NewGuid().ToString("N")[..8]);
        CopyDirectory(RepoPaths.File("src/Sse.Runtime.AspNetCore/wwwroot/sse-client"), Path.Combine(folder, "sse-client"));
        File.WriteAllText(Path.Combine(folder, "package.json"), """{ "type": "module" }""");
        File.WriteAllText(Path.Combine(folder, "reader.js"), NodeReader);
        const int Count = 300;
        try
        {
            var node = ProcessRunner.RunAsync(Tools.Require("node", "apt-get install -y nodejs"), ["reader.js", server.Address.ToString().TrimEnd('/'), Count.ToString(System.Globalization.CultureInfo.InvariantCulture)], folder, TimeSpan.FromSeconds(90));
            var topic = server.Services.GetRequiredService<DeployFeedPublisher>().Ticks();
            for (var waited = 0; topic.SubscriberCount == 0; waited += 20)
            {
                Assert.True(waited < 30_000 && !node.IsCompleted, "The node client never subscribed: " + (node.IsCompleted ? (await node).Output : "still waiting"));
                await Task.Delay(20);
            }

            for (var seq = 0; seq < Count; seq++)
            {
                await ProxyTests.PublishAsync(server, seq, 1);
                await Task.Delay(20);   // six seconds: two or more expiries of two-second tokens
            }

            var result = await node;
            result.EnsureSuccess("node reader.js");
            var report = System.Text.Json.JsonDocument.Parse(result.Output.Trim().Split('\n')[^1]).RootElement;
            var seqs = report.GetProperty("seqs").EnumerateArray().Select(static s => s.GetInt64()).ToList();
            var reasons = report.GetProperty("reasons").EnumerateArray().Select(static r => r.GetString()).ToList();
            var fresh = report.GetProperty("fresh").GetInt32();
            output.WriteLine($"node: {seqs.Count} events, disconnects {string.Join(", ", reasons)}, {report.GetProperty("tokens").GetInt32()} token fetches, {fresh} on sse-reauth");
            Assert.Equal(Enumerable.Range(0, Count).Select(static i => (long)i), seqs);
            var expiries = reasons.Count(static r => r == "reauthenticate");
            Assert.True(expiries >= 2, $"Only {expiries} expiries.");
            Assert.Equal(expiries, fresh);
            Assert.All(reasons, static r => Assert.Equal("reauthenticate", r));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Reads the ticks with the TypeScript runtime, a token cache behind its headers function; prints what it got as one JSON line.</summary>
    private const string NodeReader = """
        import { readItems, json } from "./sse-client/index.js";
        const [base, count] = [process.argv[2], Number(process.argv[3])];
        let token, expires = 0, fetches = 0, fresh = 0;
        const seqs = [], reasons = [];
        const headers = async ({ reauthenticate }) => {
          if (reauthenticate) fresh++;
          if (!token || reauthenticate || expires - Date.now() < 300) {
            fetches++;
            const issued = await (await fetch(base + "/token")).json();
            [token, expires] = [issued.token, Date.parse(issued.expires)];
          }
          return { Authorization: "Bearer " + token };
        };
        const request = { name: "DeployFeed.Ticks", method: "GET", path: "/deploy/ticks", resumable: true };
        const options = { headers, initialReconnectDelayMs: 10, maxReconnectDelayMs: 100, onDisconnected: (c) => reasons.push(c.reason) };
        for await (const item of readItems(base, request, json(), options)) {
          seqs.push(item.data.Seq);
          if (seqs.length === count) break;
        }
        console.log(JSON.stringify({ seqs, reasons, tokens: fetches, fresh }));
        """;

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private Task<SseTestHost> StartAsync(SseTestHostOptions options, bool tokens = false) => SseTestHost.StartAsync(
        builder =>
        {
            builder.Services.AddDeployFeed();
            builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    IssuerSigningKey = _key,
                    ValidIssuer = "tests",
                    ValidAudience = "deploy",
                    ClockSkew = TimeSpan.Zero,
                };
            });
            builder.Services.AddAuthorization();
            builder.Services.Configure<SseServerOptions>(o =>
            {
                o.EndStreamsWhenCredentialExpires = true;
                o.RevalidateCredential = (context, _) => _storeDown
                    ? throw new InvalidOperationException("the session store does not answer")
                    : ValueTask.FromResult(!_revoked.ContainsKey(context.User.FindFirst("sub")?.Value ?? string.Empty));
                o.CredentialRevalidationInterval = TimeSpan.FromMilliseconds(200);
            });
        },
        app =>
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapDeployFeed().RequireAuthorization();
            if (tokens)
            {
                // The test's token issuer, for the node client: a token of two seconds each call.
                app.MapGet("/token", () => Results.Json(new TokenIssued(Token("carol", TimeSpan.FromSeconds(2)), DateTimeOffset.UtcNow.AddSeconds(2)), DeployJson.Default.TokenIssued));
            }
        },
        options);

    private string Token(string user, TimeSpan lifetime)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", user)]),
            Issuer = "tests",
            Audience = "deploy",
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A token cache as applications have one: it refreshes when its token is about to expire, or when told the server wants a fresh one.</summary>
    private sealed class TokenSource(CredentialTests issuer, string user, TimeSpan lifetime)
    {
        private readonly Lock _lock = new();
        private string? _token;
        private DateTime _expires;

        public int Issued { get; private set; }

        public int Refreshed { get; private set; }

        public string Get(bool fresh)
        {
            lock (_lock)
            {
                if (_token is null || fresh || _expires - DateTime.UtcNow < TimeSpan.FromMilliseconds(300))
                {
                    Refreshed += fresh ? 1 : 0;
                    Issued++;
                    _token = issuer.Token(user, lifetime);
                    _expires = DateTime.UtcNow + lifetime;
                }

                return _token;
            }
        }
    }

    /// <summary>Adds the bearer token; a fresh one on the reconnect after sse-reauth (SseRequestOptions.Reauthenticate).</summary>
    private sealed class TokenHandler(TokenSource tokens) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var fresh = request.Options.TryGetValue(SseRequestOptions.Reauthenticate, out var reauthenticate) && reauthenticate;
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Get(fresh));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
