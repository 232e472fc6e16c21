using Xunit;

namespace Sse.Tests;

/// <summary>
/// A fact that needs <c>redis-server</c>. Without it the test is skipped with install instructions, except under
/// <c>CI=true</c>, where it is required.
/// </summary>
public sealed class RequiresRedisFactAttribute : FactAttribute
{
    public RequiresRedisFactAttribute()
    {
        if (RedisServer.Find() is null && !Tools.IsCi)
        {
            Skip = $"redis-server is not installed; install it with: {RedisServer.Install}";
        }
    }
}

/// <summary>A theory that needs <c>redis-server</c> (see <see cref="RequiresRedisFactAttribute"/>).</summary>
public sealed class RequiresRedisTheoryAttribute : TheoryAttribute
{
    public RequiresRedisTheoryAttribute()
    {
        if (RedisServer.Find() is null && !Tools.IsCi)
        {
            Skip = $"redis-server is not installed; install it with: {RedisServer.Install}";
        }
    }
}
