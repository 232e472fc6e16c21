using System;

namespace Sse.Contracts;

/// <summary>
/// Binds a <see cref="string"/> parameter to the request's <c>Last-Event-ID</c> header: the id of the last event
/// a reconnecting client received. The generated client fills it from the parameter on the first request and from
/// the last received id on reconnects.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class LastEventIdAttribute : Attribute
{
}
