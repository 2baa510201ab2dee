using System;
using System.IO;

namespace ModelPack.Core.Tests.Store;

/// <summary>Real tar files, made with GNU tar, that try to escape the directory they are extracted into.</summary>
internal static class HostileTars
{
    public static readonly string[] Cases =
    {
        "dot-dot",
        "absolute",
        "nested-dot-dot",
        "symlink-to-etc-passwd",
        "symlink-to-parent-then-write",
        "write-through-inside-symlink",
        "symlink-chain-escape",
        "hard-link-to-etc-passwd",
        "hard-link-to-missing-entry",
        "character-device",
        "fifo",
    };

    /// <summary>Builds the case's tar; returns its path and the entry name the refusal must name.</summary>
    public static (string Tar, string RefusedEntry) Build(string name, ScratchDirectory scratch)
    {
        var source = scratch.CreateDirectory("src-" + Guid.NewGuid().ToString("N"));
        var tar = scratch.Combine(Guid.NewGuid().ToString("N") + ".tar");
        switch (name)
        {
            case "dot-dot":
                return (Renamed(source, tar, "../evil"), "../evil");
            case "absolute":
                return (Renamed(source, tar, "/abs"), "/abs");
            case "nested-dot-dot":
                return (Renamed(source, tar, "a/../../evil"), "a/../../evil");
            case "symlink-to-etc-passwd":
                File.CreateSymbolicLink(Path.Combine(source, "passwd"), "/etc/passwd");
                Shell.Run("tar", "-cf", tar, "-C", source, "passwd");
                return (tar, "passwd");
            case "symlink-to-parent-then-write":
            {
                // d -> .. at the root points outside, so the link itself is refused before d/evil.
                File.CreateSymbolicLink(Path.Combine(source, "d"), "..");
                var second = scratch.CreateDirectory("src2-" + Guid.NewGuid().ToString("N"));
                scratch.WriteFile(Path.Combine(Path.GetFileName(second), "d", "evil"), "evil");
                Shell.Run("tar", "-cf", tar, "-C", source, "d");
                Shell.Run("tar", "-rf", tar, "-C", second, "d/evil");
                return (tar, "d");
            }

            case "write-through-inside-symlink":
            {
                // sub/d -> .. stays inside (it is the root), but sub/d/evil would be written through it.
                Directory.CreateDirectory(Path.Combine(source, "sub"));
                File.CreateSymbolicLink(Path.Combine(source, "sub", "d"), "..");
                var second = scratch.CreateDirectory("src2-" + Guid.NewGuid().ToString("N"));
                scratch.WriteFile(Path.Combine(Path.GetFileName(second), "sub", "d", "evil"), "evil");
                Shell.Run("tar", "-cf", tar, "-C", source, "sub");
                Shell.Run("tar", "-rf", tar, "-C", second, "sub/d/evil");
                return (tar, "sub/d/evil");
            }

            case "symlink-chain-escape":
                // Each link alone stays inside (a/up is the root; z is lexically "a"), but z really is root/..
                Directory.CreateDirectory(Path.Combine(source, "a"));
                File.CreateSymbolicLink(Path.Combine(source, "a", "up"), "..");
                File.CreateSymbolicLink(Path.Combine(source, "z"), "a/up/..");
                Shell.Run("tar", "-cf", tar, "-C", source, "a", "z");
                return (tar, "z");
            case "hard-link-to-etc-passwd":
                File.WriteAllText(Path.Combine(source, "f"), "x");
                Shell.Run("ln", Path.Combine(source, "f"), Path.Combine(source, "g"));
                Shell.Run("tar", "-P", "-cf", tar, "--transform=s,^f$,/etc/passwd,RSh", "-C", source, "f", "g");
                return (tar, "g");
            case "hard-link-to-missing-entry":
                File.WriteAllText(Path.Combine(source, "f"), "x");
                Shell.Run("ln", Path.Combine(source, "f"), Path.Combine(source, "g"));
                Shell.Run("tar", "-cf", tar, "--transform=s,^f$,not/extracted,RSh", "-C", source, "f", "g");
                return (tar, "g");
            case "character-device":
                Shell.Run("tar", "-cf", tar, "-C", "/dev", "null");
                return (tar, "null");
            case "fifo":
                Shell.Run("mkfifo", Path.Combine(source, "pipe"));
                Shell.Run("tar", "-cf", tar, "-C", source, "pipe");
                return (tar, "pipe");
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "unknown case");
        }
    }

    /// <summary>A one-file tar whose entry is stored under <paramref name="storedName"/> verbatim (-P keeps '/' and '..').</summary>
    private static string Renamed(string source, string tar, string storedName)
    {
        File.WriteAllText(Path.Combine(source, "e"), "evil");
        Shell.Run("tar", "-P", "-cf", tar, "--transform=s,^e$," + storedName + ",", "-C", source, "e");
        return tar;
    }
}
