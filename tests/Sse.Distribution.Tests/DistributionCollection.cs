using Xunit;

namespace Sse.Distribution.Tests;

/// <summary>
/// The slow tests that do what users do outside the repository's build (pack, install, publish natively). They run one at
/// a time, each in folders of its own, and carry the trait <c>Category=Distribution</c>:
/// <c>dotnet test Sse.Contracts.sln --filter Category!=Distribution</c> skips them locally; the README's command runs them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DistributionCollection
{
    public const string Name = "Distribution";
}
