using Xunit;

namespace Sse.Tests;

/// <summary>
/// A fact that needs <c>nginx</c>. Without it the test is skipped with install instructions, except under
/// <c>CI=true</c>, where it is required.
/// </summary>
public sealed class RequiresNginxFactAttribute : FactAttribute
{
    public RequiresNginxFactAttribute()
    {
        if (NginxServer.Find() is null && !Tools.IsCi)
        {
            Skip = $"nginx is not installed; install it with: {NginxServer.Install}";
        }
    }
}

/// <summary>A theory whose cases may need <c>nginx</c> (see <see cref="RequiresNginxFactAttribute"/>): skipped without it, except under <c>CI=true</c>.</summary>
public sealed class RequiresNginxTheoryAttribute : TheoryAttribute
{
    public RequiresNginxTheoryAttribute()
    {
        if (NginxServer.Find() is null && !Tools.IsCi)
        {
            Skip = $"nginx is not installed; install it with: {NginxServer.Install}";
        }
    }
}
