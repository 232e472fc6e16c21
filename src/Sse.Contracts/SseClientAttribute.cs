using System;

namespace Sse.Contracts;

/// <summary>
/// Generates the client part (<c>{Name}Client</c>, <c>Add{Name}Client</c>) of a contract declared in a referenced
/// assembly, such as a shared contracts library, into this project.
/// </summary>
/// <example><c>[assembly: SseClient(typeof(IStockFeed))]</c></example>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class SseClientAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="contract">An <c>[SseStream]</c> interface.</param>
    public SseClientAttribute(Type contract)
    {
        Contract = contract;
    }

    /// <summary>Gets the contract interface.</summary>
    public Type Contract { get; }
}

/// <summary>
/// Generates the server part (<c>Map{Name}</c>) of a contract declared in a referenced assembly, such as a shared
/// contracts library, into this project.
/// </summary>
/// <example><c>[assembly: SseServer(typeof(IStockFeed))]</c></example>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class SseServerAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="contract">An <c>[SseStream]</c> interface.</param>
    public SseServerAttribute(Type contract)
    {
        Contract = contract;
    }

    /// <summary>Gets the contract interface.</summary>
    public Type Contract { get; }
}
