namespace Sse.Generators.Model;

/// <summary>
/// What a TypeScript client needs beyond the contract's methods: the TypeScript type of each parameter, item, body and
/// result, and the declarations of the object and enum types they use, shaped as the contract's JSON context writes
/// them. Data only: the types are trees (<see cref="TsType"/>), printed by the emitter.
/// </summary>
/// <param name="FileName">The client's file name: the contract's name in kebab case, <c>stock-feed.ts</c>.</param>
/// <param name="Declarations">The interfaces, enums and unions, each once, in a stable order.</param>
/// <param name="Methods">Per method, the TypeScript types of what it takes and gives.</param>
internal sealed record TypeScriptModel(string FileName, EquatableArray<TsDeclaration> Declarations, EquatableArray<TsMethodTypes> Methods)
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

/// <summary>A TypeScript type, as a tree.</summary>
internal abstract record TsType
{
    public static readonly TsType String = new TsKeyword("string");
    public static readonly TsType Number = new TsKeyword("number");
    public static readonly TsType Boolean = new TsKeyword("boolean");
    public static readonly TsType Unknown = new TsKeyword("unknown");
    public static readonly TsType Null = new TsKeyword("null");

    /// <summary>The type, or <c>null</c> (added to the alternatives of a union).</summary>
    public static TsType OrNull(TsType type) =>
        new TsUnion(new EquatableArray<TsType>(type is TsUnion union ? System.Linq.Enumerable.Append(union.Alternatives, Null) : new[] { type, Null }));

    /// <summary>Whether <c>null</c> is one of its values.</summary>
    public bool IsNullable => this is TsUnion union && union.Alternatives.Count > 0 && union.Alternatives[union.Alternatives.Count - 1] == Null;
}

/// <summary>A keyword type: <c>string</c>, <c>number</c>, <c>boolean</c>, <c>unknown</c>, <c>null</c>.</summary>
internal sealed record TsKeyword(string Name) : TsType;

/// <summary>A string literal type: <c>"NaN"</c>.</summary>
internal sealed record TsStringLiteral(string Value) : TsType;

/// <summary>A number literal type, as written: <c>2</c>.</summary>
internal sealed record TsNumberLiteral(string Value) : TsType;

/// <summary>A named type: a declaration of the client, or a global.</summary>
internal sealed record TsReference(string Name) : TsType;

/// <summary><c>T[]</c>.</summary>
internal sealed record TsArray(TsType Element) : TsType;

/// <summary><c>Record&lt;string, T&gt;</c>: a JSON object of string keys.</summary>
internal sealed record TsRecord(TsType Value) : TsType;

/// <summary><c>A | B</c>.</summary>
internal sealed record TsUnion(EquatableArray<TsType> Alternatives) : TsType;

/// <summary><c>A &amp; B</c>.</summary>
internal sealed record TsIntersection(EquatableArray<TsType> Parts) : TsType;

/// <summary>An inline object type: <c>{ a: number; b?: string }</c>.</summary>
internal sealed record TsObject(EquatableArray<TsProperty> Properties) : TsType;

/// <summary>
/// A property of an object type or interface (its JSON name, its type, whether it may be absent); an index signature
/// (<c>[key: string]: unknown</c>, for <c>[JsonExtensionData]</c>) has <paramref name="IsIndexSignature"/>.
/// </summary>
internal sealed record TsProperty(string Name, TsType Type, bool IsOptional, bool IsIndexSignature = false);

/// <summary>A declaration of the client.</summary>
internal abstract record TsDeclaration(string Name);

/// <summary><c>export interface Name { … }</c>.</summary>
internal sealed record TsInterface(string Name, EquatableArray<TsProperty> Properties) : TsDeclaration(Name);

/// <summary>An enum: a value object of its members and a type of their JSON values.</summary>
internal sealed record TsEnum(string Name, EquatableArray<TsEnumMember> Members) : TsDeclaration(Name);

/// <summary>An enum member: its C# name and its JSON value (a string or number literal).</summary>
internal sealed record TsEnumMember(string Name, TsType Value);

/// <summary><c>export type Name = A | B;</c>: a System.Text.Json polymorphic type, one alternative per derived type.</summary>
internal sealed record TsUnionDeclaration(string Name, EquatableArray<TsType> Alternatives) : TsDeclaration(Name);

/// <summary>The TypeScript types of one method.</summary>
/// <param name="Method">The contract method's name.</param>
/// <param name="Parameters">Each parameter's TypeScript type, by C# parameter name.</param>
/// <param name="Events">For a stream: each event it can send and its data type; several for a polymorphic item.</param>
/// <param name="Result">For a command with a result: its type.</param>
internal sealed record TsMethodTypes(string Method, EquatableArray<TsProperty> Parameters, EquatableArray<TsEvent> Events, TsType? Result);

/// <summary>An event a stream sends: its name (<c>message</c> when it has none) and its data's type.</summary>
/// <param name="Name">The event name as the wire carries it, <c>message</c> for an unnamed event.</param>
/// <param name="Data">The data's type.</param>
/// <param name="IsUnnamed">Whether the event has no name of its own (the client reads it as <c>message</c>).</param>
internal sealed record TsEvent(string Name, TsType Data, bool IsUnnamed);

/// <summary>One TypeScript client to emit: the contract, its TypeScript types, and the module its runtime is imported from.</summary>
internal sealed record TypeScriptClient(ContractModel Contract, TypeScriptModel Types, string RuntimeModule);
