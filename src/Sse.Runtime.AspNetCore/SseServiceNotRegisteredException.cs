using System;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// A contract's endpoints were mapped (or one ran) without an implementation of the contract registered in the service
/// container. <c>Map{Name}()</c> checks at start-up, so the application fails to start rather than answer 500.
/// </summary>
public sealed class SseServiceNotRegisteredException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message, naming the contract and how to register it.</param>
    internal SseServiceNotRegisteredException(string message)
        : base(message)
    {
    }
}
