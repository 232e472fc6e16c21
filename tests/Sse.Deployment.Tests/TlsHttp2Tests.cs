using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sse.Runtime;
using Sse.Testing;
using Sse.Tests;
using Xunit;
using Xunit.Abstractions;

namespace Sse.Deployment.Tests;

/// <summary>
/// Kestrel with HTTPS (a certificate the test makes) and HTTP/2 by ALPN: the .NET client's streams share one HTTP/2
/// connection and resume on it after the server resets a stream; Chromium's EventSource and the TypeScript runtime open
/// more than six streams from one page over one connection (HTTP/1.1's per-origin limit gone).
/// </summary>
[Trait("Category", "Deployment")]
public sealed class TlsHttp2Tests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<string, (string Protocol, string ConnectionId)> _streams = new();
    private readonly ConcurrentDictionary<string, HttpContext> _open = new();

    [Fact]
    public async Task DotNetClient_TenStreamsOverOneHttp2Connection_ResumeOnItAfterAStreamReset()
    {
        using var certificate = CreateCertificate();
        await using var server = await StartAsync(certificate);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString() },
        })
        {
            BaseAddress = HttpsAddress(server),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        var recorders = Enumerable.Range(0, 10).Select(_ => new SseStreamRecorder<Tick>()).ToList();
        var streams = await Task.WhenAll(recorders.Select(r => new DeployFeedClient(http, r.Options).Ticks().ConnectAsync()));
        var reading = recorders.Zip(streams).Select(p => p.First.RecordAsync(p.Second, count: 100, timeout: Timeout)).ToList();
        await ProxyTests.PublishAsync(server, 0, 50);
        await ProxyTests.WaitUntilAsync(() => recorders.All(static r => r.Items.Count >= 50), recorders[0]);

        // The server resets every open stream (RST_STREAM on HTTP/2): the connection stays, each stream resumes on it.
        foreach (var context in _open.Values)
        {
            context.Abort();
        }

        await ProxyTests.PublishAsync(server, 50, 50);
        await Task.WhenAll(reading);
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }

        foreach (var recorder in recorders)
        {
            SseAssert.NoGapNoDuplicate(recorder, static t => t.Seq, first: 0, count: 100);
            SseAssert.Reconnected(recorder, 1);
            SseAssert.EveryReconnectResumed(recorder);
            Assert.All(recorder.Connections, static c => Assert.Equal(HttpVersion.Version20, c.HttpVersion));
        }

        var connections = _streams.Values.Where(static s => s.Protocol == "HTTP/2").Select(static s => s.ConnectionId).Distinct().ToList();
        output.WriteLine($"{_streams.Count} stream requests over {connections.Count} HTTP/2 connection(s).");
        Assert.Equal(20, _streams.Count);
        Assert.Single(connections);
    }

    [RequiresToolFact(Chromium.Executable, Chromium.Install)]
    public async Task Chromium_EightEventSourcesAndEightTypeScriptStreams_OnePage_OneHttp2Connection_ResumedAfterResets()
    {
        using var certificate = CreateCertificate();
        await using var server = await StartAsync(certificate);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(HttpsAddress(server), "/page").ToString());
        await page.WaitForFunctionAsync("() => window.opened === 16", null, new PageWaitForFunctionOptions { Timeout = 30_000 });

        await ProxyTests.PublishAsync(server, 0, 20);
        await page.WaitForFunctionAsync("() => window.counts.every(c => c === 20)", null, new PageWaitForFunctionOptions { Timeout = 30_000 });

        // The server resets every stream (RST_STREAM): EventSource and the runtime resume over HTTP/2 with
        // Last-Event-ID, and get exactly what was published meanwhile.
        foreach (var open in _open.Values)
        {
            open.Abort();
        }

        await ProxyTests.PublishAsync(server, 20, 20);
        await page.WaitForFunctionAsync("() => window.counts.every(c => c === 40)", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        await Task.Delay(500);
        var counts = await page.EvaluateAsync<int[]>("() => window.counts");
        Assert.All(counts, static c => Assert.Equal(40, c));
        var connections = _streams.Values.Select(static s => (s.Protocol, s.ConnectionId)).Distinct().ToList();
        output.WriteLine($"{_streams.Count} streams from one page, connections: {string.Join(", ", connections)}");
        Assert.Equal(32, _streams.Count);   // sixteen streams, each resumed once
        Assert.All(connections, static c => Assert.Equal("HTTP/2", c.Protocol));
        Assert.Single(connections);
    }

    private async Task<SseTestHost> StartAsync(X509Certificate2 certificate) => await SseTestHost.StartAsync(
        builder =>
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;   // HTTP/2 negotiated by ALPN
                listen.UseHttps(certificate);
            }));
            builder.Services.AddDeployFeed();
        },
        app =>
        {
            app.Use(async (context, next) =>
            {
                if (context.Request.Path.StartsWithSegments("/deploy/ticks"))
                {
                    var key = context.TraceIdentifier;
                    _streams[key] = (context.Request.Protocol, context.Connection.Id);
                    _open[key] = context;
                    try
                    {
                        await next(context);
                    }
                    finally
                    {
                        _open.TryRemove(key, out _);
                    }
                }
                else
                {
                    await next(context);
                }
            });
            app.MapDeployFeed();
            app.MapGet("/page", static () => Results.Content(Page, "text/html; charset=utf-8"));
            RuntimeScripts.Map(app);
        });

    private static Uri HttpsAddress(SseTestHost server) =>
        new(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(static a => a.StartsWith("https", StringComparison.Ordinal)));

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12, so the private key is one SslStream can use on Linux.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), password: null);
    }

    /// <summary>Eight EventSources and eight streams of the TypeScript runtime (readItems over fetch) on one page.</summary>
    private const string Page = """
        <!doctype html>
        <meta charset="utf-8">
        <title>HTTP/2 streams</title>
        <script type="module">
          import { readItems, json } from "/sse-client/index.js";
          window.opened = 0;
          window.counts = Array(16).fill(0);
          for (let i = 0; i < 8; i++) {
            const source = new EventSource("/deploy/ticks");
            source.onopen = () => window.opened++;
            source.onmessage = () => window.counts[i]++;
          }
          for (let i = 8; i < 16; i++) {
            (async () => {
              const request = { name: "DeployFeed.Ticks", method: "GET", path: "/deploy/ticks", resumable: true };
              for await (const item of readItems(location.origin, request, json(), { onConnected: () => window.opened++ })) {
                window.counts[i]++;
              }
            })();
          }
        </script>
        """;
}
