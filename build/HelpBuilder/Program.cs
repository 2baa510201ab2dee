using System;
using System.IO;

namespace ModelPack.HelpBuilder;

/// <summary>HelpBuilder &lt;docsDir&gt; &lt;outDir&gt;: exit 0 on success, 1 when a page is invalid, 2 on wrong usage.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: HelpBuilder <docsDir> <outDir>");
            Console.Error.WriteLine("  Builds <outDir>/<Assembly>-Help.xml (MAML) from the PlatyPS-schema cmdlet pages in <docsDir>");
            Console.Error.WriteLine("  and <outDir>/about_*.help.txt from its about_*.md topics.");
            return 2;
        }

        var docs = Path.GetFullPath(args[0]);
        var output = Path.GetFullPath(args[1]);
        HelpBuildResult result;
        try
        {
            result = HelpCompiler.Build(docs, output);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"HelpBuilder: error: {e.Message}");
            return 1;
        }
        catch (UnauthorizedAccessException e)
        {
            Console.Error.WriteLine($"HelpBuilder: error: {e.Message}");
            return 1;
        }

        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                Console.Error.WriteLine(error);
            }

            Console.Error.WriteLine($"HelpBuilder: {result.Errors.Count} error(s) in {docs}; no help written.");
            return 1;
        }

        if (result.OutputFiles.Count == 0)
        {
            Console.WriteLine($"HelpBuilder: no help pages in {docs}; nothing to build.");
        }

        foreach (var file in result.OutputFiles)
        {
            Console.WriteLine($"HelpBuilder: {file}");
        }

        return 0;
    }
}
