using System.Threading.Tasks;
using NUnit.Framework;

[assembly: Parallelizable(ParallelScope.All)]
[assembly: LevelOfParallelism(4)]

namespace Sse.Testing.Frameworks;

public sealed class ChatTests
{
    [Test]
    public Task RoomStream_CutAtSeededOffsets_ResumesWithoutGapOrDuplicate() => ChatScenarios.RoomStream_CutAtSeededOffsets_ResumesWithoutGapOrDuplicate();

    [Test]
    public Task ApplicationRestartedWithoutHistory_TheClientGetsTheResetSignal() => ChatScenarios.ApplicationRestartedWithoutHistory_TheClientGetsTheResetSignal();

    [Test]
    public Task ApplicationRestartedWithItsHistory_TheClientResumes() => ChatScenarios.ApplicationRestartedWithItsHistory_TheClientResumes();

    [Test]
    public Task Consumer_AgainstAStub_ResumesWithTheLastId() => ChatScenarios.Consumer_AgainstAStub_ResumesWithTheLastId();
}
