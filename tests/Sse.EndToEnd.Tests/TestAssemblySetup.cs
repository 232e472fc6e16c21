using System.Runtime.CompilerServices;
using System.Threading;

namespace Sse.EndToEnd.Tests;

internal static class TestAssemblySetup
{
    /// <summary>
    /// Servers, hundreds of clients and timers share this one test process on small (2-core) machines; without a
    /// larger minimum the thread pool starts with two threads and adds more only every half second or so, which
    /// stalls timers (heartbeats, idle timeouts) for hundreds of milliseconds while the suite warms up.
    /// </summary>
    [ModuleInitializer]
    internal static void RaiseThreadPoolMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(System.Math.Max(workers, 64), System.Math.Max(io, 64));
    }
}
