using Xunit;

namespace Sse.Samples.Tests;

/// <summary>
/// The sample tests start servers, clients and browsers as processes: one at a time, so they neither compete for the
/// machine's two cores nor make each other's timings flaky.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SamplesCollection
{
    public const string Name = "Samples";
}
