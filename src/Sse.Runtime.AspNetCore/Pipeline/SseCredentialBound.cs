using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// A stream bounded by its credential (<see cref="SseServerOptions.EndStreamsWhenCredentialExpires"/>,
/// <see cref="SseServerOptions.RevalidateCredential"/>): admits the request or refuses it (401) before the stream starts,
/// then ends it (its token fires, <see cref="Why"/> says why) at the credential's expiry or when a re-validation fails.
/// The stream then writes <c>sse-reauth</c>, and the client resumes with a fresh credential.
/// </summary>
internal sealed class SseCredentialBound : IDisposable
{
    /// <summary>Longer than this, an expiry is not timed (a timer's limit is 49 days; no stream waits that long).</summary>
    private static readonly TimeSpan LongestTimed = TimeSpan.FromDays(30);

    private readonly SseServerOptions _options;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _ended = new();
    private ITimer? _expiry;
    private ITimer? _revalidation;
    private HttpContext? _context;
    private string? _expiryText;
    private int _revalidating;

    private SseCredentialBound(SseServerOptions options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
    }

    /// <summary>Gets the token that fires when the credential no longer holds.</summary>
    public CancellationToken Token => _ended.Token;

    /// <summary>Gets why the stream's credential no longer holds, once it does not.</summary>
    public string? Why { get; private set; }

    /// <summary>A bound for the request's stream, or <see langword="null"/> when the options bound nothing.</summary>
    public static SseCredentialBound? For(SseServerOptions? options, TimeProvider clock) =>
        options is { EndStreamsWhenCredentialExpires: true } or { RevalidateCredential: not null } ? new SseCredentialBound(options, clock) : null;

    /// <summary>
    /// Checks the credential before the stream starts: <see langword="null"/> when it holds (the timers start), else why
    /// not, for a 401.
    /// </summary>
    public async ValueTask<string?> AdmitAsync(HttpContext context, CancellationToken cancellationToken)
    {
        _context = context;
        if (_options.EndStreamsWhenCredentialExpires && ExpiryOf(context) is { } expires)
        {
            var left = expires - _clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return $"The credential expired at {expires.ToString("O", CultureInfo.InvariantCulture)}; get a new one and resume.";
            }

            if (left <= LongestTimed)
            {
                _expiryText = $"The credential this stream was authorized with expired at {expires.ToString("O", CultureInfo.InvariantCulture)}.";
                _expiry = _clock.CreateTimer(static state => ((SseCredentialBound)state!).End(), this, left, Timeout.InfiniteTimeSpan);
            }
        }

        if (_options.RevalidateCredential is { } revalidate)
        {
            if (!await revalidate(context, cancellationToken).ConfigureAwait(false))
            {
                return "The credential is no longer valid.";
            }

            var interval = _options.CredentialRevalidationInterval;
            _revalidation = _clock.CreateTimer(static state => _ = ((SseCredentialBound)state!).RevalidateAsync(), this, interval, interval);
        }

        return null;
    }

    public void Dispose()
    {
        _expiry?.Dispose();
        _revalidation?.Dispose();
        _ended.Dispose();
    }

    private void End() => End(_expiryText ?? "The credential this stream was authorized with expired.");

    private void End(string why)
    {
        if (Why is not null)
        {
            return;
        }

        Why = why;
        try
        {
            _ended.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream ended meanwhile.
        }
    }

    private async Task RevalidateAsync()
    {
        if (Interlocked.Exchange(ref _revalidating, 1) == 1 || _context is not { } context || Why is not null)
        {
            return;
        }

        try
        {
            if (!await _options.RevalidateCredential!(context, _ended.Token).ConfigureAwait(false))
            {
                End("The credential is no longer valid.");
            }
        }
        catch (OperationCanceledException) when (_ended.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Fail closed: the stream ends, and its resume is checked again (and answered 401 if the check says so).
            End("The credential could not be re-validated (" + ex.Message + ").");
        }
        finally
        {
            Volatile.Write(ref _revalidating, 0);
        }
    }

    /// <summary>The configured expiry, else the ticket's <c>ExpiresUtc</c>, else the principal's <c>exp</c> claim.</summary>
    private DateTimeOffset? ExpiryOf(HttpContext context)
    {
        if (_options.CredentialExpiry is { } expiry)
        {
            return expiry(context);
        }

        if (context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Properties?.ExpiresUtc is { } ticket)
        {
            return ticket;
        }

        return context.User.FindFirst("exp") is { } claim && long.TryParse(claim.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
    }
}
