using System;
using System.Diagnostics;
using System.IO;

namespace ModelPack.Core.Tests.Support;

/// <summary>Installs shell scripts the tests run (fake engines, credential helpers).</summary>
public static class ExecutableScript
{
    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> as an executable, by cp rather than by
    /// this process: while a test process holds a file open for writing, any child it forks meanwhile
    /// inherits that descriptor until exec, and running the script then fails with ETXTBSY ("Text file
    /// busy"). Tests run in parallel, so that window is real.
    /// </summary>
    public static string Install(string path, string content)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Test scripts are /bin/sh scripts.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var source = path + ".source-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(source, content);
        using (var copy = Process.Start(new ProcessStartInfo("/bin/cp", new[] { source, path }) { UseShellExecute = false })!)
        {
            copy.WaitForExit();
            if (copy.ExitCode != 0)
            {
                throw new IOException($"cp {source} {path} failed with exit code {copy.ExitCode}");
            }
        }

        File.Delete(source);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }
}
