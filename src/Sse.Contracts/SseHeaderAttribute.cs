using System;

namespace Sse.Contracts;

/// <summary>
/// Binds a simple parameter (string, number, bool, Guid, enum, date) to a request header instead of the query string.
/// </summary>
/// <example><c>IAsyncEnumerable&lt;Tick&gt; Prices([SseHeader("X-Tenant")] string tenant);</c></example>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class SseHeaderAttribute : Attribute
{
    /// <summary>Creates the attribute for the header <paramref name="name"/>.</summary>
    /// <param name="name">The header name, for example <c>X-Tenant</c>.</param>
    public SseHeaderAttribute(string name)
    {
        Name = name ?? string.Empty;
    }

    /// <summary>Gets the header name.</summary>
    public string Name { get; }
}
