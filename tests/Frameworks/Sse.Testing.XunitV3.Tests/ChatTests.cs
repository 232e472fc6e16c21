using System.Threading.Tasks;
using Xunit;

namespace Sse.Testing.Frameworks;

// Two classes: xunit v3 runs them in parallel, each test with hosts of its own.
public sealed class ChatResumeTests
{
    [Fact]
    public Task RoomStream_CutAtSeededOffsets_ResumesWithoutGapOrDuplicate() => ChatScenarios.RoomStream_CutAtSeededOffsets_ResumesWithoutGapOrDuplicate();

    [Fact]
    public Task Consumer_AgainstAStub_ResumesWithTheLastId() => ChatScenarios.Consumer_AgainstAStub_ResumesWithTheLastId();
}

public sealed class ChatRestartTests
{
    [Fact]
    public Task ApplicationRestartedWithoutHistory_TheClientGetsTheResetSignal() => ChatScenarios.ApplicationRestartedWithoutHistory_TheClientGetsTheResetSignal();

    [Fact]
    public Task ApplicationRestartedWithItsHistory_TheClientResumes() => ChatScenarios.ApplicationRestartedWithItsHistory_TheClientResumes();
}
