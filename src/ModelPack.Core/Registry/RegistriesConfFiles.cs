using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ModelPack.Core.Registry;

/// <summary>
/// Which registries.conf files apply, in the order they are read (containers-registries.conf(5) and
/// containers-registries.conf.d(5)):
/// <list type="bullet">
/// <item>CONTAINERS_REGISTRIES_CONF names one file, and it is the whole configuration (no drop-ins). The
/// man page says so; podman 5.8 was seen to read the standard drop-in folders even then, but the module
/// keeps to the page, which also lets a session shut the user's and the system's files out.</item>
/// <item>Else <c>~/.config/containers/registries.conf</c> if it exists, then the <c>*.conf</c> files of
/// <c>~/.config/containers/registries.conf.d</c>.</item>
/// <item>Else <c>/etc/containers/registries.conf</c> (if it exists), the <c>*.conf</c> files of
/// <c>/etc/containers/registries.conf.d</c>, then those of <c>~/.config/containers/registries.conf.d</c>.</item>
/// </list>
/// Drop-ins are taken in lexical (ordinal) order of their names; other files and subfolders are ignored.
/// podman 5.8 reads <c>~/.config</c> even where XDG_CONFIG_HOME points elsewhere; so does this.
/// </summary>
internal sealed class RegistriesConfFiles
{
    private const string FileName = "registries.conf";
    private const string DropInFolderName = "registries.conf.d";

    private RegistriesConfFiles(string? main, IReadOnlyList<string> dropIns)
    {
        Main = main;
        DropIns = dropIns;
    }

    /// <summary>The main file; null when there is none.</summary>
    public string? Main { get; }

    public IReadOnlyList<string> DropIns { get; }

    public static RegistriesConfFiles Locate(RegistryEnvironment environment)
    {
        var explicitPath = environment.GetVariable("CONTAINERS_REGISTRIES_CONF");
        if (explicitPath is not null)
        {
            return new RegistriesConfFiles(File.Exists(explicitPath) ? explicitPath : null, Array.Empty<string>());
        }

        var userFolder = environment.HomeDirectory is string home ? Path.Combine(home, ".config", "containers") : null;
        var user = userFolder is null ? null : Path.Combine(userFolder, FileName);
        if (user is not null && File.Exists(user))
        {
            return new RegistriesConfFiles(user, DropInsOf(userFolder).ToList());
        }

        var systemFolder = environment.SystemContainersDirectory;
        var system = systemFolder is null ? null : Path.Combine(systemFolder, FileName);
        return new RegistriesConfFiles(
            system is not null && File.Exists(system) ? system : null,
            DropInsOf(systemFolder).Concat(DropInsOf(userFolder)).ToList());
    }

    private static IEnumerable<string> DropInsOf(string? folder)
    {
        var dropIns = folder is null ? null : Path.Combine(folder, DropInFolderName);
        if (dropIns is null || !Directory.Exists(dropIns))
        {
            return Array.Empty<string>();
        }

        try
        {
            return Directory.GetFiles(dropIns, "*.conf")
                .Where(f => f.EndsWith(".conf", StringComparison.Ordinal))
                .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }
}
