using System;
using System.IO;

namespace ModelPack.Core.Store;

/// <summary>
/// Which boot of the operating system this is: Linux's random <c>boot_id</c>, new at every start.
/// Writes still in the page cache survive anything but a system stop, so a changed id is how the
/// store learns that unflushed writes may have been lost.
/// </summary>
internal static class BootIdentity
{
    private const string LinuxBootIdPath = "/proc/sys/kernel/random/boot_id";

    /// <summary>The current boot's id, or null where the system does not expose one.</summary>
    public static string? Current()
    {
        try
        {
            var id = File.ReadAllText(LinuxBootIdPath).Trim();
            return IsValid(id) ? id : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Ids become part of file names: letters, digits and dashes only.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id!.Length > 64)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
