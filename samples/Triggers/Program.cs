using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sse.Runtime.AspNetCore;
using Triggers;

// dotnet run --project samples/Triggers -- --urls http://127.0.0.1:5000
// then open http://127.0.0.1:5000/ in a few windows and press the buttons, or:
//   curl -X POST http://127.0.0.1:5000/left
//   curl -X POST http://127.0.0.1:5000/send -H 'content-type: application/json' -d '{"text":"hello"}'
//   curl -N http://127.0.0.1:5000/events
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5000");
builder.Services.AddTriggersPublisher();
builder.Services.AddSingleton<IMarker, Marker>();
builder.Services.AddSingleton<ITriggers, TriggerCommands>();
builder.Services.AddHostedService<Clock>();
var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapTriggers();
app.Run();

/// <summary>The shared marker's position.</summary>
internal interface IMarker
{
    int Move(int step);
}

internal sealed class Marker : IMarker
{
    private int _position;

    public int Move(int step) => Interlocked.Add(ref _position, step);
}

/// <summary>The three trigger endpoints: each publishes one event to every subscriber of <c>/events</c>.</summary>
internal sealed class TriggerCommands(SseHub hub, TriggersPublisher publisher, IMarker marker) : TriggersBase(hub)
{
    public override Task<Delivery> Send(Message message, CancellationToken cancellationToken = default)
    {
        var text = message.Text.Trim();
        if (text.Length is 0 or > 200)
        {
            throw new BadHttpRequestException("The text has 1 to 200 characters.", StatusCodes.Status400BadRequest);
        }

        return PublishAsync(new Sent(text, DateTimeOffset.UtcNow), cancellationToken);
    }

    public override Task<Delivery> Left(CancellationToken cancellationToken = default) =>
        PublishAsync(new MovedLeft(marker.Move(-1), DateTimeOffset.UtcNow), cancellationToken);

    public override Task<Delivery> Right(CancellationToken cancellationToken = default) =>
        PublishAsync(new MovedRight(marker.Move(+1), DateTimeOffset.UtcNow), cancellationToken);

    private async Task<Delivery> PublishAsync(TriggerEvent item, CancellationToken cancellationToken)
    {
        var topic = publisher.Events();
        var id = await topic.PublishAsync(item, cancellationToken);
        return new Delivery(id, topic.SubscriberCount);
    }
}

/// <summary>The timer push: a tick to every client every <c>TickSeconds</c> (configuration; 1 by default).</summary>
internal sealed class Clock(TriggersPublisher publisher, IConfiguration configuration) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = double.TryParse(configuration["TickSeconds"], System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 1;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        var count = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await publisher.Events().PublishAsync(new Tick(++count, DateTimeOffset.UtcNow), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
