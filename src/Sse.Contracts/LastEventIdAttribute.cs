using System;

namespace Sse.Contracts;

/// <summary>
/// Binds a parameter (<see cref="string"/>, <see cref="long"/> or <see cref="Guid"/>, nullable or not) to the request's
/// <c>Last-Event-ID</c> header (or <c>?lastEventId=</c>): the id of the last event a reconnecting client received. It
/// makes the method resumable: the generated client sends the parameter's value on the first request and the last
/// received id on reconnects, so a dropped connection resumes without gaps or duplicates.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class LastEventIdAttribute : Attribute
{
}
