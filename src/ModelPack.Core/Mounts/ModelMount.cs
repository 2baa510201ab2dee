namespace ModelPack;

/// <summary>One mount that makes (part of) a model visible inside a container.</summary>
public sealed class ModelMount
{
    public ModelMount(string reference, string strategy, string engine, string type, string source, string destination, bool readOnly, string? subPath, string argument, string? entryPath)
    {
        Reference = reference;
        Strategy = strategy;
        Engine = engine;
        Type = type;
        Source = source;
        Destination = destination;
        ReadOnly = readOnly;
        SubPath = subPath;
        Argument = argument;
        EntryPath = entryPath;
    }

    /// <summary>The model the mount is for.</summary>
    public string Reference { get; }

    public string Strategy { get; }

    /// <summary>The engine whose CLI syntax <see cref="Argument"/> uses: podman or docker.</summary>
    public string Engine { get; }

    /// <summary>bind, image or artifact.</summary>
    public string Type { get; }

    /// <summary>A host directory (bind) or a reference (image, artifact).</summary>
    public string Source { get; }

    /// <summary>Where the files appear inside the container.</summary>
    public string Destination { get; }

    public bool ReadOnly { get; }

    public string? SubPath { get; }

    /// <summary>The exact command-line argument for the engine, e.g. <c>--mount=type=bind,src=...,destination=...,ro</c>.</summary>
    public string Argument { get; }

    /// <summary>The main weight file inside the container, when the model has one.</summary>
    public string? EntryPath { get; }

    public override string ToString() => Argument;
}
