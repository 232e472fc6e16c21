using System;

namespace Sse.Testing;

/// <summary>A check of a specification failed: the message says what was expected and what happened.</summary>
public sealed class SseSpecificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was expected and what happened.</param>
    public SseSpecificationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SseSpecificationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was expected and what happened.</param>
    /// <param name="innerException">The failure under it.</param>
    public SseSpecificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
