using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Sse.Tests;
using Xunit;

namespace Sse.Runtime.Tests;

/// <summary>
/// The public surface of each package, compared with a checked-in baseline (<c>PublicApi/{Assembly}.txt</c>), so every
/// API change shows up in review. After an intended change, rerun with <c>SSE_UPDATE_SNAPSHOTS=1</c> and review the diff.
/// </summary>
public class PublicApiTests
{
    private static readonly SymbolDisplayFormat Format = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters | SymbolDisplayGenericsOptions.IncludeTypeConstraints | SymbolDisplayGenericsOptions.IncludeVariance,
        memberOptions: SymbolDisplayMemberOptions.IncludeAccessibility | SymbolDisplayMemberOptions.IncludeModifiers | SymbolDisplayMemberOptions.IncludeParameters
            | SymbolDisplayMemberOptions.IncludeType | SymbolDisplayMemberOptions.IncludeConstantValue | SymbolDisplayMemberOptions.IncludeRef | SymbolDisplayMemberOptions.IncludeExplicitInterface,
        kindOptions: SymbolDisplayKindOptions.IncludeTypeKeyword | SymbolDisplayKindOptions.IncludeMemberKeyword,
        propertyStyle: SymbolDisplayPropertyStyle.ShowReadWriteDescriptor,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName | SymbolDisplayParameterOptions.IncludeDefaultValue
            | SymbolDisplayParameterOptions.IncludeParamsRefOut | SymbolDisplayParameterOptions.IncludeExtensionThis,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    [Theory]
    [InlineData("Sse.Contracts")]
    [InlineData("Sse.Runtime")]
    [InlineData("Sse.Runtime.AspNetCore")]
    [InlineData("Sse.Runtime.AspNetCore.PostgreSql")]
    [InlineData("Sse.Runtime.AspNetCore.OpenApi")]
    public void PublicSurface_MatchesBaseline(string assemblyName)
    {
        var actual = Describe(assemblyName);
        Assert.Contains("public ", actual, StringComparison.Ordinal);

        var path = RepoPaths.File(Path.Combine("tests", "Sse.Runtime.Tests", "PublicApi", assemblyName + ".txt"));
        if (Environment.GetEnvironmentVariable("SSE_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"The API baseline {path} does not exist; run the tests with SSE_UPDATE_SNAPSHOTS=1 to create it, then review it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            var added = actual.Split('\n').Except(expected.Split('\n')).Select(static l => "+ " + l);
            var removed = expected.Split('\n').Except(actual.Split('\n')).Select(static l => "- " + l);
            Assert.Fail($"The public API of {assemblyName} changed. If intended, rerun with SSE_UPDATE_SNAPSHOTS=1 and review the diff.\n{string.Join('\n', removed.Concat(added))}");
        }
    }

    [Fact]
    public void InfrastructureTypes_AreHiddenFromIntelliSense()
    {
        foreach (var assembly in new[] { typeof(SseClientOptions).Assembly, typeof(AspNetCore.SseServerOptions).Assembly })
        {
            var infrastructure = assembly.GetExportedTypes().Where(static t => t.Namespace?.EndsWith(".Infrastructure", StringComparison.Ordinal) == true).ToList();
            Assert.NotEmpty(infrastructure);
            foreach (var type in infrastructure)
            {
                var browsable = type.GetCustomAttributes(typeof(System.ComponentModel.EditorBrowsableAttribute), inherit: false).Cast<System.ComponentModel.EditorBrowsableAttribute>().SingleOrDefault();
                Assert.True(browsable?.State == System.ComponentModel.EditorBrowsableState.Never, $"{type.FullName} is infrastructure but not [EditorBrowsable(Never)].");
            }
        }
    }

    [Fact]
    public void ExceptionsUsersCatch_HaveNoPublicConstructors()
    {
        var exceptions = new[] { typeof(SseClientOptions).Assembly, typeof(AspNetCore.SseServerOptions).Assembly }
            .SelectMany(static a => a.GetExportedTypes())
            .Where(static t => typeof(Exception).IsAssignableFrom(t))
            .ToList();
        Assert.Contains(typeof(SseHttpException), exceptions);

        // SseResumeRejectedException is also thrown by server implementations, and SseTopicLogUnavailableException by
        // topic logs of other engines, so they keep a public constructor.
        foreach (var type in exceptions.Where(static t => t != typeof(SseResumeRejectedException) && t != typeof(AspNetCore.SseTopicLogUnavailableException)))
        {
            Assert.Empty(type.GetConstructors());
        }
    }

    private static string Describe(string assemblyName)
    {
        var location = System.Reflection.Assembly.Load(assemblyName).Location;
        var reference = MetadataReference.CreateFromFile(location);
        var compilation = CSharpCompilation.Create("ApiReader", references: [reference, .. Basics()]);
        var assembly = (IAssemblySymbol)compilation.GetAssemblyOrModuleSymbol(reference)!;

        var lines = new List<string>();
        foreach (var type in AllTypes(assembly.GlobalNamespace).Where(IsVisible).OrderBy(static t => t.ToDisplayString(Format), StringComparer.Ordinal))
        {
            lines.Add(Attributes(type) + TypeLine(type));
            foreach (var member in type.GetMembers().Where(m => IsVisible(m) && !IsImplicit(m, type)).Select(m => "    " + Attributes(m) + m.ToDisplayString(Format)).Order(StringComparer.Ordinal))
            {
                lines.Add(member);
            }
        }

        return string.Join('\n', lines) + "\n";
    }

    private static IEnumerable<MetadataReference> Basics() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(static p => Path.GetFileName(p) is var f && (f.StartsWith("System.", StringComparison.Ordinal) || f.StartsWith("Microsoft.", StringComparison.Ordinal) || f is "netstandard.dll" or "System.dll")
                && !f.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
            .Select(static p => MetadataReference.CreateFromFile(p));

    private static string TypeLine(INamedTypeSymbol type)
    {
        var modifiers = type.TypeKind != TypeKind.Class ? string.Empty
            : type.IsStatic ? "static "
            : type.IsAbstract ? "abstract "
            : type.IsSealed ? "sealed "
            : string.Empty;
        var line = new StringBuilder("public " + modifiers + type.ToDisplayString(Format));
        var bases = new List<string>();
        if (type.BaseType is { SpecialType: not (SpecialType.System_Object or SpecialType.System_ValueType or SpecialType.System_Enum or SpecialType.System_MulticastDelegate) } baseType)
        {
            bases.Add(baseType.ToDisplayString(Format));
        }

        bases.AddRange(type.Interfaces.Select(static i => i.ToDisplayString(Format)).Order(StringComparer.Ordinal));
        if (bases.Count > 0)
        {
            line.Append(" : ").Append(string.Join(", ", bases));
        }

        return line.ToString();
    }

    /// <summary>The attributes that change how the API is used: hidden from IntelliSense, obsolete.</summary>
    private static string Attributes(ISymbol symbol)
    {
        var shown = symbol.GetAttributes()
            .Where(static a => a.AttributeClass?.Name is "EditorBrowsableAttribute" or "ObsoleteAttribute")
            .Select(static a => "[" + a.AttributeClass!.Name.Replace("Attribute", string.Empty, StringComparison.Ordinal) + "(" + string.Join(", ", a.ConstructorArguments.Select(static c => c.ToCSharpString())) + ")] ");
        return string.Concat(shown);
    }

    private static bool IsVisible(ISymbol symbol)
    {
        for (var current = symbol; current is not null && current is not INamespaceSymbol; current = current.ContainingSymbol)
        {
            if (current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Accessors are shown with their property; record and struct plumbing the compiler writes is noise.</summary>
    private static bool IsImplicit(ISymbol member, INamedTypeSymbol type) =>
        member is IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.EventAdd or MethodKind.EventRemove }
        || (member.IsImplicitlyDeclared && type.TypeKind is TypeKind.Delegate or TypeKind.Enum or TypeKind.Struct);

    private static IEnumerable<INamedTypeSymbol> AllTypes(INamespaceSymbol ns)
    {
        foreach (var type in ns.GetTypeMembers())
        {
            foreach (var nested in WithNested(type))
            {
                yield return nested;
            }
        }

        foreach (var child in ns.GetNamespaceMembers())
        {
            foreach (var type in AllTypes(child))
            {
                yield return type;
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> WithNested(INamedTypeSymbol type)
    {
        yield return type;
        foreach (var nested in type.GetTypeMembers().SelectMany(WithNested))
        {
            yield return nested;
        }
    }
}
