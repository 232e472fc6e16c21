using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Sse.Runtime.AspNetCore;

/// <summary>Server-wide settings of generated endpoints; configure with <c>services.Configure&lt;SseServerOptions&gt;(o => ...)</c>.</summary>
public sealed class SseServerOptions
{
    /// <summary>The default <see cref="HeartbeatInterval"/>: 15 seconds.</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(15);

    private TimeSpan _heartbeatInterval = DefaultHeartbeatInterval;

    /// <summary>
    /// Gets or sets how long a stream may stay quiet before the server writes a heartbeat comment (<c>: heartbeat</c>),
    /// which keeps proxies from closing the connection and resets the client's idle timer. Heartbeats are only ever
    /// written between events. Default 15 s; <see cref="Timeout.InfiniteTimeSpan"/> turns them off. An endpoint or group
    /// can override it with <c>WithSseHeartbeat</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is neither positive nor infinite.</exception>
    public TimeSpan HeartbeatInterval
    {
        get => _heartbeatInterval;
        set
        {
            SseHeartbeatMetadata.Validate(value);
            _heartbeatInterval = value;
        }
    }

    /// <summary>The default <see cref="CredentialRevalidationInterval"/>: one minute.</summary>
    public static readonly TimeSpan DefaultCredentialRevalidationInterval = TimeSpan.FromMinutes(1);

    private TimeSpan _credentialRevalidationInterval = DefaultCredentialRevalidationInterval;

    /// <summary>
    /// Gets or sets whether a stream lives no longer than the credential it was authorized with. At the credential's
    /// expiry (<see cref="CredentialExpiry"/>: by default the authentication ticket's <c>ExpiresUtc</c>, else the
    /// principal's <c>exp</c> claim, as a JWT bearer token carries it) the stream ends with the reserved event
    /// <c>sse-reauth</c>; the generated clients then get a fresh credential and resume from their last id at once, with
    /// no gap and no duplicate. A request whose credential has already expired is answered 401, so a client that only
    /// has the old credential fails with a typed error instead of reconnecting in a loop. Default <see langword="false"/>.
    /// </summary>
    public bool EndStreamsWhenCredentialExpires { get; set; }

    /// <summary>
    /// Gets or sets how a request's credential expiry is found, for <see cref="EndStreamsWhenCredentialExpires"/>
    /// (<see langword="null"/> from the delegate: the credential does not expire); <see langword="null"/> for the
    /// default: the authentication ticket's <c>ExpiresUtc</c>, else the principal's <c>exp</c> claim (Unix seconds).
    /// </summary>
    public Func<HttpContext, DateTimeOffset?>? CredentialExpiry { get; set; }

    /// <summary>
    /// Gets or sets a check that the principal of an open stream is still allowed (a revoked session, a disabled user, a
    /// changed role), run when a stream starts and then every <see cref="CredentialRevalidationInterval"/>.
    /// <see langword="false"/> when a stream starts answers 401; an exception then answers 503 with <c>Retry-After</c>
    /// (the check could not run: the client retries with backoff). <see langword="false"/> or an exception later ends
    /// the stream with <c>sse-reauth</c> (fail closed), and the client's resume is checked again.
    /// <see langword="null"/> (the default) for none.
    /// </summary>
    public Func<HttpContext, CancellationToken, ValueTask<bool>>? RevalidateCredential { get; set; }

    /// <summary>Gets or sets how often <see cref="RevalidateCredential"/> runs for each open stream. Default one minute.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan CredentialRevalidationInterval
    {
        get => _credentialRevalidationInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _credentialRevalidationInterval = value;
        }
    }

    private TimeSpan _shutdownReconnectSpread;

    /// <summary>
    /// Gets or sets the window over which open streams close when the application stops (SIGTERM in a rolling deploy):
    /// each closes at a random moment within it, still delivering until then and without the end event, so its client
    /// reconnects to another instance and resumes, and the clients' reconnects are spread instead of arriving at one
    /// instant. Default zero: every stream closes at once. Keep it well under <c>HostOptions.ShutdownTimeout</c>
    /// (30 s by default), which bounds the whole shutdown.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan ShutdownReconnectSpread
    {
        get => _shutdownReconnectSpread;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _shutdownReconnectSpread = value;
        }
    }
}
