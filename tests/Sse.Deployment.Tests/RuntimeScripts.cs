using System.IO;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sse.Tests;

namespace Sse.Deployment.Tests;

/// <summary>The TypeScript runtime as pages load it (the server package's web asset), served at <c>/sse-client/</c> from the repository.</summary>
internal static class RuntimeScripts
{
    public static void Map(WebApplication app) => app.MapGet("/sse-client/{file}", static (string file) =>
    {
        var path = Path.Combine(RepoPaths.File("src/Sse.Runtime.AspNetCore/wwwroot/sse-client"), Path.GetFileName(file));
        return File.Exists(path) ? Results.Text(File.ReadAllText(path), "text/javascript") : Results.NotFound();
    });
}
