using System;

namespace Sse.Testing;

/// <summary>An assertion of <see cref="SseAssert"/> failed: the message says what was expected, what the stream did, and the run's context (the fault proxy's seed).</summary>
public sealed class SseAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SseAssertionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public SseAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure under it.</param>
    public SseAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
