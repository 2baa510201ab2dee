using System;
using System.IO;

namespace ModelPack.Core.Tests.Support;

/// <summary>A fresh directory under the system temp dir, deleted on Dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "modelpack-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix.TrimEnd('-') + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    public string Combine(params string[] parts) => System.IO.Path.Combine(Path, System.IO.Path.Combine(parts));

    public string Write(string relative, string content)
    {
        var path = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string WriteFile(string relativePath, string content) => Write(relativePath, content);

    /// <summary>Writes a script and marks it executable (these tests run where docker-registry runs: Linux).</summary>
    public string WriteExecutable(string relative, string content) => ExecutableScript.Install(File(relative), content);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process the test killed may still be releasing a file; the OS cleans temp eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
