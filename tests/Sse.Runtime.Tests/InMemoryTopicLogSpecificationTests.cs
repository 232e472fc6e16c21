using System.Threading.Tasks;
using Microsoft.Extensions.Options;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.TopicLogs;
using Sse.Testing;
using Xunit;

namespace Sse.Runtime.Tests;

/// <summary>The in-memory log against the specification every topic log meets (Sse.Testing).</summary>
public sealed class InMemoryTopicLogSpecificationTests : SseTopicLogSpecification
{
    [Theory]
    [MemberData(nameof(Checks))]
    public Task Check(string name) => RunAsync(name);

    protected override ValueTask<ISseTopicLog> CreateLogAsync(SseHubOptions options) =>
        new(new InMemorySseTopicLog(Options.Create(options)));
}
