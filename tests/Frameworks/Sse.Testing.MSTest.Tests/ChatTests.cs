using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;

[assembly: Parallelize(Workers = 4, Scope = ExecutionScope.MethodLevel)]

namespace Sse.Testing.Frameworks;

[TestClass]
public sealed class ChatTests
{
    [TestMethod]
    public Task RoomStream_CutAtSeededOffsets_ResumesWithoutGapOrDuplicate() => ChatScenarios.RoomStream_CutAtSeededOffsets_ResumesWithoutGapOrDuplicate();

    [TestMethod]
    public Task ApplicationRestartedWithoutHistory_TheClientGetsTheResetSignal() => ChatScenarios.ApplicationRestartedWithoutHistory_TheClientGetsTheResetSignal();

    [TestMethod]
    public Task ApplicationRestartedWithItsHistory_TheClientResumes() => ChatScenarios.ApplicationRestartedWithItsHistory_TheClientResumes();

    [TestMethod]
    public Task Consumer_AgainstAStub_ResumesWithTheLastId() => ChatScenarios.Consumer_AgainstAStub_ResumesWithTheLastId();
}
