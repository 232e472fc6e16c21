using System;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Sse.Runtime.AspNetCore;
using Xunit;

namespace Sse.Runtime.Tests;

/// <summary>The verdict every engine's health check gives from its log's state (the engines' tests check it against real servers).</summary>
public sealed class LogHealthTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    [Fact]
    public void Listening_AndHeadsReadRecently_IsHealthy_WithTheRoundTrip()
    {
        var clock = new FakeTimeProvider();
        var health = new SseLogHealth(clock);
        health.Listening();
        health.RoundCompleted();
        clock.Advance(TimeSpan.FromMilliseconds(500));

        var result = health.Evaluate("Redis", TimeSpan.FromMilliseconds(1.25), null, Poll, watchedTopics: 3, HealthStatus.Unhealthy);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("Redis answers in 1.3 ms; listening.", result.Description);
        Assert.Equal(true, result.Data["listening"]);
        Assert.Equal(500L, result.Data["heads_read_ms_ago"]);
        Assert.Equal(3, result.Data["watched_topics"]);
    }

    [Fact]
    public void ProbeFailed_IsTheRegistrationsFailureStatus_NamingTheCause()
    {
        var health = new SseLogHealth(new FakeTimeProvider());
        health.Listening();

        var result = health.Evaluate("PostgreSQL", null, new TimeoutException("no answer in 5 s"), Poll, 0, HealthStatus.Degraded);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.StartsWith("PostgreSQL does not answer (no answer in 5 s): publishes fail", result.Description, StringComparison.Ordinal);
        Assert.IsType<TimeoutException>(result.Exception);
    }

    [Fact]
    public void ListenerLost_IsDegraded_CountedFromTheFirstLoss_UntilItListensAgain()
    {
        var clock = new FakeTimeProvider();
        var health = new SseLogHealth(clock);
        health.Listening();
        health.Lost(new InvalidOperationException("connection reset"));
        clock.Advance(TimeSpan.FromSeconds(3));
        health.Lost(new InvalidOperationException("refused"));   // a retry failing does not restart the count
        clock.Advance(TimeSpan.FromSeconds(1));

        var lost = health.Evaluate("PostgreSQL", TimeSpan.FromMilliseconds(2), null, Poll, 1, HealthStatus.Unhealthy);
        Assert.Equal(HealthStatus.Degraded, lost.Status);
        Assert.Equal(4000L, lost.Data["lost_for_ms"]);
        Assert.Contains("lost since 4 s (refused): delivery to this server's subscribers pauses", lost.Description, StringComparison.Ordinal);

        health.Listening();
        health.RoundCompleted();
        Assert.Equal(HealthStatus.Healthy, health.Evaluate("PostgreSQL", TimeSpan.FromMilliseconds(2), null, Poll, 1, HealthStatus.Unhealthy).Status);
    }

    [Fact]
    public void HeadsNotReadForThreePollIntervals_WithWatchedTopics_IsDegraded_WithoutTopicsHealthy()
    {
        var clock = new FakeTimeProvider();
        var health = new SseLogHealth(clock);
        health.Listening();
        health.RoundCompleted();
        clock.Advance(TimeSpan.FromSeconds(3.5));

        var stale = health.Evaluate("Redis", TimeSpan.FromMilliseconds(1), null, Poll, watchedTopics: 2, HealthStatus.Unhealthy);
        Assert.Equal(HealthStatus.Degraded, stale.Status);
        Assert.Contains("last read 3.5 s ago (the poll interval is 1 s)", stale.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, health.Evaluate("Redis", TimeSpan.FromMilliseconds(1), null, Poll, watchedTopics: 0, HealthStatus.Unhealthy).Status);
    }
}
