using System.Collections.Generic;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Mounts;

/// <summary>Checks and normalises a path inside a container, as it goes into a <c>--mount</c> option.</summary>
public static class ContainerPath
{
    /// <summary>Where models appear inside the container unless the user says otherwise.</summary>
    public const string DefaultDestination = "/mnt/models";

    /// <summary>
    /// The destination without empty or '.' segments and without a trailing '/', or throws
    /// InvalidMountDestination. It must be absolute ('/'-rooted), have no '..' segment, not be '/'
    /// itself, and carry none of ',', '=', '"' or control characters: podman and docker split
    /// <c>--mount</c> values on ',' and '=' and read them as CSV, so those would change the mount.
    /// </summary>
    public static string NormalizeDestination(string? destination)
    {
        if (string.IsNullOrEmpty(destination))
        {
            throw Invalid(destination, "it is empty.");
        }

        if (destination![0] != '/')
        {
            throw Invalid(destination, "it must be an absolute path inside the container, starting with '/' (for example '/mnt/models').");
        }

        foreach (var c in destination)
        {
            if (c == ',' || c == '=' || c == '"' || char.IsControl(c))
            {
                var shown = char.IsControl(c) ? "a control character" : $"'{c}'";
                throw Invalid(destination, $"it contains {shown}, which would change the meaning of the --mount option.");
            }
        }

        var kept = new List<string>();
        foreach (var segment in destination.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                throw Invalid(destination, "it has a '..' segment; give the final directory directly.");
            }

            kept.Add(segment);
        }

        if (kept.Count == 0)
        {
            throw Invalid(destination, "mounting over '/' would hide the container's own file system; choose a directory such as '/mnt/models'.");
        }

        return "/" + string.Join("/", kept);
    }

    private static ModelPackException Invalid(string? destination, string reason) => MountErrors.InvalidDestination(destination, reason);
}
