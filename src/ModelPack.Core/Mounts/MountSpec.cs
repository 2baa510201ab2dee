namespace ModelPack.Core.Mounts;

/// <summary>What an engine mounts and where: read-only, always (ModelPack never lets a container write a model).</summary>
internal sealed class MountSpec
{
    /// <param name="type">bind, image or artifact.</param>
    /// <param name="source">A host directory (bind) or a reference (image, artifact).</param>
    /// <param name="destination">Where the files appear inside the container.</param>
    /// <param name="subPath">The part of the source that is mounted (an image's /models), or null for all of it.</param>
    public MountSpec(string type, string source, string destination, string? subPath = null)
    {
        Type = type;
        Source = source;
        Destination = destination;
        SubPath = subPath;
    }

    public string Type { get; }

    public string Source { get; }

    public string Destination { get; }

    public bool ReadOnly { get; } = true;

    public string? SubPath { get; }
}
