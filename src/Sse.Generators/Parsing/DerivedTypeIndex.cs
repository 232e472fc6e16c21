using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Sse.Generators.Parsing;

/// <summary>
/// The classes of an assembly by each of their base classes, built on first use and shared by every method of one
/// contract parse, so finding a polymorphic item type's derived types walks the assembly once rather than per method.
/// </summary>
internal sealed class DerivedTypeIndex
{
    private readonly Dictionary<IAssemblySymbol, Dictionary<ITypeSymbol, List<(INamedTypeSymbol Type, int Depth)>>> _byAssembly = new(SymbolEqualityComparer.Default);

    /// <summary>Every class in <paramref name="baseType"/>'s assembly that derives from it, with its inheritance distance.</summary>
    public IReadOnlyList<(INamedTypeSymbol Type, int Depth)> DerivedFrom(ITypeSymbol baseType)
    {
        if (baseType.ContainingAssembly is not { } assembly)
        {
            return [];
        }

        if (!_byAssembly.TryGetValue(assembly, out var index))
        {
            index = Build(assembly);
            _byAssembly.Add(assembly, index);
        }

        return index.TryGetValue(baseType, out var derived) ? derived : [];
    }

    private static Dictionary<ITypeSymbol, List<(INamedTypeSymbol, int)>> Build(IAssemblySymbol assembly)
    {
        var index = new Dictionary<ITypeSymbol, List<(INamedTypeSymbol, int)>>(SymbolEqualityComparer.Default);
        foreach (var type in AllTypes(assembly.GlobalNamespace))
        {
            var depth = 0;
            for (var current = type.BaseType; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                depth++;
                if (!index.TryGetValue(current, out var list))
                {
                    index.Add(current, list = new List<(INamedTypeSymbol, int)>());
                }

                list.Add((type, depth));
            }
        }

        return index;
    }

    private static IEnumerable<INamedTypeSymbol> AllTypes(INamespaceSymbol ns)
    {
        foreach (var member in ns.GetMembers())
        {
            if (member is INamespaceSymbol child)
            {
                foreach (var type in AllTypes(child))
                {
                    yield return type;
                }
            }
            else if (member is INamedTypeSymbol { TypeKind: TypeKind.Class } type)
            {
                yield return type;
                foreach (var nested in type.GetTypeMembers())
                {
                    yield return nested;
                }
            }
        }
    }
}
