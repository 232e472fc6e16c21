namespace Sse.Generators.Model;

/// <summary>
/// What a TypeScript client needs beyond the contract's methods: the TypeScript type of each parameter, item, body and
/// result, and the declarations of the object and enum types they use, shaped as the contract's JSON context writes them.
/// </summary>
/// <param name="Declarations">The interfaces and enums, each once, in a stable order.</param>
/// <param name="Methods">Per method, the TypeScript types of what it takes and gives.</param>
internal sealed record TypeScriptModel(EquatableArray<TsDeclaration> Declarations, EquatableArray<TsMethodTypes> Methods)
{
    /// <summary>The types of one method, by name.</summary>
    public TsMethodTypes? For(string method)
    {
        foreach (var types in Methods)
        {
            if (types.Method == method)
            {
                return types;
            }
        }

        return null;
    }
}

/// <summary>An interface (an object type) or an enum, as TypeScript declares it.</summary>
/// <param name="Name">Its TypeScript name.</param>
/// <param name="IsEnum">Whether it is an enum (its members are its values).</param>
/// <param name="Members">For an interface, its JSON properties; for an enum, its members and their JSON values.</param>
/// <param name="IsUnion">
/// Whether it is a union (a System.Text.Json polymorphic type: one alternative per derived type, each the
/// <see cref="TsMember.Type"/> of a member).
/// </param>
internal sealed record TsDeclaration(string Name, bool IsEnum, EquatableArray<TsMember> Members, bool IsUnion = false);

/// <summary>
/// A property of an interface (its JSON name, its type, whether it may be absent), or an enum member (its name and JSON
/// value). An index signature (<c>[key: string]: unknown</c>, for <c>[JsonExtensionData]</c>) has <paramref name="IsIndexSignature"/>.
/// </summary>
internal sealed record TsMember(string Name, string Type, bool IsOptional, bool IsIndexSignature = false);

/// <summary>The TypeScript types of one method.</summary>
/// <param name="Method">The contract method's name.</param>
/// <param name="Parameters">Each parameter's TypeScript type, by C# parameter name.</param>
/// <param name="Events">For a stream: each event name (<see langword="null"/> for <c>message</c>) and its data type; several for a polymorphic item.</param>
/// <param name="Result">For a command with a result: its type.</param>
internal sealed record TsMethodTypes(string Method, EquatableArray<TsMember> Parameters, EquatableArray<TsMember> Events, string? Result);
