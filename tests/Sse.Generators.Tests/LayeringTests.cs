using System;
using System.IO;
using System.Linq;
using Sse.Tests;
using Xunit;

namespace Sse.Generators.Tests;

/// <summary>The generator's data flows one way: Parsing → Model → Emitting. The emitters and the diagnostics catalog read nothing of Parsing.</summary>
public class LayeringTests
{
    [Theory]
    [InlineData("Emitting")]
    [InlineData("Diagnostics")]
    [InlineData("Model")]
    public void Folder_DoesNotDependOnParsing(string folder)
    {
        var files = Directory.GetFiles(RepoPaths.File(Path.Combine("src", "Sse.Generators", folder)), "*.cs");
        Assert.NotEmpty(files);

        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            Assert.False(text.Contains("Sse.Generators.Parsing", StringComparison.Ordinal) || text.Contains("Parsing.", StringComparison.Ordinal), $"{Path.GetFileName(file)} in {folder}/ uses Parsing.");
        }
    }

    [Fact]
    public void Model_HoldsNoCodeFragments()
    {
        // The model carries names and facts; expressions such as "item.Seq.ToString(...)" are the emitters' business.
        var files = Directory.GetFiles(RepoPaths.File(Path.Combine("src", "Sse.Generators", "Model")), "*.cs");
        Assert.NotEmpty(files);
        Assert.DoesNotContain(files, static f => File.ReadAllText(f).Contains("Expression", StringComparison.Ordinal));
    }
}
