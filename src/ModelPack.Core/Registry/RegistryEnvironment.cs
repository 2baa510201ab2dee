using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace ModelPack.Core.Registry;

/// <summary>
/// Where the registry client looks for configuration: environment variables, the home
/// directory and the system containers directory (/etc/containers). <see cref="Current"/> is
/// the real process; tests inject their own so they never read the user's files.
/// </summary>
public sealed class RegistryEnvironment
{
    private static readonly StringComparer VariableComparer =
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private static readonly char[] ExtensionSeparator = { ';' };
    private static readonly string[] NoExtension = { string.Empty };
    private readonly Dictionary<string, string>? _variables;

    /// <summary>An injected environment: only <paramref name="variables"/> are visible.</summary>
    public RegistryEnvironment(IReadOnlyDictionary<string, string> variables, string? homeDirectory, string? systemContainersDirectory = null)
    {
        if (variables is null)
        {
            throw new ArgumentNullException(nameof(variables));
        }

        var copy = new Dictionary<string, string>(VariableComparer);
        foreach (var pair in variables)
        {
            copy[pair.Key] = pair.Value;
        }

        _variables = copy;
        HomeDirectory = homeDirectory;
        SystemContainersDirectory = systemContainersDirectory;
    }

    private RegistryEnvironment()
    {
        HomeDirectory = DefaultHome();
        SystemContainersDirectory = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? null : "/etc/containers";
    }

    /// <summary>The process environment, the user's home and /etc/containers.</summary>
    public static RegistryEnvironment Current { get; } = new();

    public string? HomeDirectory { get; }

    /// <summary>Holds the system-wide registries.conf; null where there is none (Windows).</summary>
    public string? SystemContainersDirectory { get; }

    internal bool IsProcessEnvironment => _variables is null;

    public string? GetVariable(string name)
    {
        if (_variables is null)
        {
            var value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(value) ? null : value;
        }

        return _variables.TryGetValue(name, out var injected) && !string.IsNullOrEmpty(injected) ? injected : null;
    }

    /// <summary>Finds an executable on this environment's PATH (with PATHEXT on Windows).</summary>
    public string? FindExecutable(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        var path = GetVariable("PATH");
        if (path is null)
        {
            return null;
        }

        var windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        var extensions = windows
            ? (GetVariable("PATHEXT") ?? ".COM;.EXE;.BAT;.CMD").Split(ExtensionSeparator, StringSplitOptions.RemoveEmptyEntries)
            : NoExtension;
        foreach (var dir in path.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                string candidate;
                try
                {
                    candidate = Path.Combine(dir.Trim('"'), name + extension);
                }
                catch (ArgumentException)
                {
                    continue;
                }

                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Variables a child process (a credential helper) gets on top of the inherited ones.</summary>
    internal IEnumerable<KeyValuePair<string, string>> ChildProcessOverrides()
    {
        if (_variables is null)
        {
            yield break;
        }

        foreach (var pair in _variables)
        {
            yield return pair;
        }

        if (HomeDirectory is not null && !_variables.ContainsKey("HOME"))
        {
            yield return new KeyValuePair<string, string>("HOME", HomeDirectory);
        }
    }

    private static string? DefaultHome()
    {
        var home = Environment.GetEnvironmentVariable(RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "USERPROFILE" : "HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        return string.IsNullOrEmpty(home) ? null : home;
    }
}
