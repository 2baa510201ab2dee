using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace ModelPack.Core.Configuration;

/// <summary>
/// The environment variables, home directory, platform and working directory Core reads settings from.
/// <see cref="Current"/> is the real process; tests build one from a dictionary so nothing leaks in from
/// the machine.
/// </summary>
public sealed class HostEnvironment
{
    private readonly Func<string, string?> getVariable;
    private readonly string? currentDirectory;
    private readonly bool isProcess;

    public HostEnvironment(Func<string, string?> getVariable, bool isWindows, string? currentDirectory = null)
        : this(getVariable, isWindows, currentDirectory, isProcess: false)
    {
    }

    private HostEnvironment(Func<string, string?> getVariable, bool isWindows, string? currentDirectory, bool isProcess)
    {
        this.getVariable = getVariable ?? throw new ArgumentNullException(nameof(getVariable));
        this.currentDirectory = currentDirectory;
        this.isProcess = isProcess;
        IsWindows = isWindows;
    }

    /// <summary>The live process environment (PowerShell's <c>$env:</c> writes are process variables, so they are seen).</summary>
    public static HostEnvironment Current { get; } =
        new(Environment.GetEnvironmentVariable, RuntimeInformation.IsOSPlatform(OSPlatform.Windows), null, isProcess: true);

    public bool IsWindows { get; }

    /// <summary>
    /// Where relative paths (an engine given as <c>./podman</c>) are resolved from. PowerShell's location is
    /// not the process directory, so cmdlets pass theirs through <see cref="WithCurrentDirectory"/>.
    /// </summary>
    public string CurrentDirectory => currentDirectory ?? Directory.GetCurrentDirectory();

    /// <summary>The user's home: HOME (USERPROFILE on Windows); for the real process, else what .NET reports.</summary>
    public string? HomeDirectory =>
        Get(IsWindows ? "USERPROFILE" : "HOME") ??
        (isProcess ? NullIfEmpty(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)) : null);

    /// <summary>An environment holding exactly these variables (names compared as the platform does).</summary>
    public static HostEnvironment FromVariables(IReadOnlyDictionary<string, string?> variables, bool isWindows, string? currentDirectory = null)
    {
        if (variables is null)
        {
            throw new ArgumentNullException(nameof(variables));
        }

        var copy = new Dictionary<string, string?>(isWindows ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (var entry in variables)
        {
            copy[entry.Key] = entry.Value;
        }

        return new HostEnvironment(name => copy.TryGetValue(name, out var value) ? value : null, isWindows, currentDirectory);
    }

    /// <summary>The same variables, with relative paths resolved from <paramref name="directory"/>.</summary>
    public HostEnvironment WithCurrentDirectory(string directory) => new(getVariable, IsWindows, directory, isProcess);

    /// <summary>The variable's value, or null when it is unset or empty (an empty variable counts as unset).</summary>
    public string? Get(string name)
    {
        var value = getVariable(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
}
