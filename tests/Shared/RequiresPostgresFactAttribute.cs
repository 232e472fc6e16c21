using Xunit;

namespace Sse.Tests;

/// <summary>
/// A fact that needs PostgreSQL's server binaries. Without them the test is skipped with install instructions, except
/// under <c>CI=true</c>, where they are required.
/// </summary>
public sealed class RequiresPostgresFactAttribute : FactAttribute
{
    public RequiresPostgresFactAttribute()
    {
        if (PostgresCluster.FindBin() is null && !Tools.IsCi)
        {
            Skip = $"PostgreSQL is not installed; install it with: {PostgresCluster.Install}";
        }
    }
}

/// <summary>A theory that needs PostgreSQL's server binaries (see <see cref="RequiresPostgresFactAttribute"/>).</summary>
public sealed class RequiresPostgresTheoryAttribute : TheoryAttribute
{
    public RequiresPostgresTheoryAttribute()
    {
        if (PostgresCluster.FindBin() is null && !Tools.IsCi)
        {
            Skip = $"PostgreSQL is not installed; install it with: {PostgresCluster.Install}";
        }
    }
}
