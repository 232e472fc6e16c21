using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sse.Tests;

/// <summary>
/// A user's health endpoint (<c>MapHealthChecks("/healthz")</c>, 200 when Healthy or Degraded, 503 when Unhealthy),
/// and the report behind it, for the engines' health tests: polls until a check reaches a status, keeping what it saw.
/// </summary>
internal static class HealthProbe
{
    public static void Map(WebApplication app) => app.MapHealthChecks("/healthz");

    /// <summary>Polls the endpoint and the check until <paramref name="wanted"/>; returns the check's entry and every status seen on the way.</summary>
    public static async Task<(HealthReportEntry Entry, HttpStatusCode Http, List<HealthStatus> Seen)> WaitForAsync(IServiceProvider services, Uri server, string check, HealthStatus wanted, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        var seen = new List<HealthStatus>();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == check);
            var entry = report.Entries[check];
            if (seen.Count == 0 || seen[^1] != entry.Status)
            {
                seen.Add(entry.Status);
            }

            if (entry.Status == wanted)
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
                return (entry, response.StatusCode, seen);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{check} never became {wanted}: seen {string.Join(" → ", seen)}; last: {entry.Description}");
            }

            await Task.Delay(100);
        }
    }
}
