using System;
using System.IO;
using ModelPack.Core.Configuration;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Engines;

/// <summary>
/// Decides which engine to use: <c>-Engine</c> &gt; MODELPACK_ENGINE &gt; config <c>engine</c> &gt; podman on
/// PATH &gt; docker on PATH &gt; none. A value is <c>auto</c>, <c>none</c>, a name looked up on PATH
/// (<c>podman</c>, <c>podman-remote</c>, <c>docker</c>) or a path; the kind comes from the file name.
/// </summary>
public static class EngineLocator
{
    public const string AutoValue = "auto";
    public const string NoneValue = "none";

    private static readonly char[] AnySeparator = { '/', '\\' };
    private static readonly char[] WindowsSeparators = { '/', '\\', ':' };
    private static readonly char[] UnixSeparators = { '/' };

    /// <exception cref="ModelPackException">
    /// ContainerEngineNotFound when a named engine does not exist; UnsupportedContainerEngine when it is
    /// neither podman nor docker.
    /// </exception>
    public static EngineLocation Locate(string? requested, ModelPackSettings settings, HostEnvironment? environment = null)
    {
        if (settings is null)
        {
            throw new ArgumentNullException(nameof(settings));
        }

        var env = environment ?? HostEnvironment.Current;
        var fromParameter = !string.IsNullOrWhiteSpace(requested);
        var value = fromParameter ? requested!.Trim() : settings.Engine;
        var source = fromParameter ? SettingSource.Parameter : settings.EngineSource;
        if (value is null || string.Equals(value, AutoValue, StringComparison.OrdinalIgnoreCase))
        {
            return Detect(env);
        }

        var origin = settings.DescribeSource(source, ModelPackSettings.EngineVariable, "-Engine");
        if (string.Equals(value, NoneValue, StringComparison.OrdinalIgnoreCase))
        {
            return new EngineLocation(EngineKind.None, null, source, $"{origin} chose no engine");
        }

        var kind = KindFromName(value, env.IsWindows);
        if (kind == EngineKind.None)
        {
            throw EngineErrors.Unsupported(value, origin, fromParameter);
        }

        var path = ExecutableSearch.Find(value, env);
        if (path is null)
        {
            var where = value.IndexOfAny(AnySeparator) >= 0
                ? "that path does not exist"
                : "it is not on PATH (" + string.Join(env.IsWindows ? ";" : ":", ExecutableSearch.SearchDirectories(env)) + ")";
            throw EngineErrors.NotFound(value, origin, where);
        }

        return new EngineLocation(kind, path, source, $"chosen by {origin}");
    }

    /// <summary>podman on PATH, else docker, else none.</summary>
    public static EngineLocation Detect(HostEnvironment environment)
    {
        if (environment is null)
        {
            throw new ArgumentNullException(nameof(environment));
        }

        if (ExecutableSearch.Find("podman", environment) is string podman)
        {
            return new EngineLocation(EngineKind.Podman, podman, SettingSource.Default, "found on PATH");
        }

        if (ExecutableSearch.Find("docker", environment) is string docker)
        {
            return new EngineLocation(EngineKind.Docker, docker, SettingSource.Default, "found on PATH (no podman there)");
        }

        return new EngineLocation(EngineKind.None, null, SettingSource.Default, "neither podman nor docker is on PATH");
    }

    /// <summary>Podman for podman, podman-remote, podman.exe; Docker for docker...; None otherwise.</summary>
    public static EngineKind KindFromName(string nameOrPath, bool isWindows)
    {
        if (nameOrPath is null)
        {
            throw new ArgumentNullException(nameof(nameOrPath));
        }

        var lastSeparator = nameOrPath.LastIndexOfAny(isWindows ? WindowsSeparators : UnixSeparators);
        var name = nameOrPath.Substring(lastSeparator + 1);
        if (isWindows)
        {
            name = Path.GetFileNameWithoutExtension(name);
        }

        if (name.StartsWith("podman", StringComparison.OrdinalIgnoreCase))
        {
            return EngineKind.Podman;
        }

        return name.StartsWith("docker", StringComparison.OrdinalIgnoreCase) ? EngineKind.Docker : EngineKind.None;
    }
}
